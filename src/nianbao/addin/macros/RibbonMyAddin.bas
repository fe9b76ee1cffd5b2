Attribute VB_Name = "RibbonMyAddin"
' Ribbon callbacks of the nianbao add-in: one Sub per button of customUI.xml, each one
' RunPython line into nianbao.addin.excel, where all the work is done.
'
' The module keeps the name it has in xlwings' quickstart_addin_ribbon.xlam, because
' `nianbao addin build` rewrites module sources in place and never renames modules.
' This file is ASCII only: the Chinese texts live in customUI.xml (a button's Tag holds
' its dialog titles and file filter), in Python, and in the spec's [addin] table, whose
' messages the build writes below as hexadecimal UTF-16. File paths are handed to Python
' as hexadecimal UTF-16 too, so that no Chinese character or quote passes through the
' command.
Option Explicit

' @texts: the spec's [addin] messages are written here by `nianbao addin build`

' Python was started once with nianbao and xlwings in it: not checked again this session.
Private PythonChecked As Boolean

Sub OnImport(control As IRibbonControl)
    Dim texts() As String, files As Variant, i As Long, args As String
    EnsureWorkbook
    If Not PythonReady() Then Exit Sub
    texts = Split(control.Tag, "|")
    #If Mac Then
        files = Application.GetOpenFilename(MultiSelect:=True)
    #Else
        files = Application.GetOpenFilename(FileFilter:=texts(1), Title:=texts(0), MultiSelect:=True)
    #End If
    If Not IsArray(files) Then Exit Sub
    For i = LBound(files) To UBound(files)
        If Len(args) > 0 Then args = args & ", "
        args = args & "'" & HexText(CStr(files(i))) & "'"
    Next i
    RunPython "import nianbao.addin.excel as addin; addin.import_reports(" & args & ")"
End Sub

Sub OnNewBlank(control As IRibbonControl)
    EnsureWorkbook
    If Not PythonReady() Then Exit Sub
    RunPython "import nianbao.addin.excel as addin; addin.new_blank('" & control.Tag & "')"
End Sub

Sub OnValidate(control As IRibbonControl)
    EnsureWorkbook
    If Not PythonReady() Then Exit Sub
    RunPython "import nianbao.addin.excel as addin; addin.validate()"
End Sub

Sub OnClearMarks(control As IRibbonControl)
    EnsureWorkbook
    If Not PythonReady() Then Exit Sub
    RunPython "import nianbao.addin.excel as addin; addin.clear_marks()"
End Sub

Sub OnPublishWord(control As IRibbonControl)
    EnsureWorkbook
    If Not PythonReady() Then Exit Sub
    RunPython "import nianbao.addin.excel as addin; addin.publish_word()"
End Sub

Sub OnConsolidate(control As IRibbonControl)
    ' Tag: the departments' folder dialog title | the roster dialog title | the roster file
    ' filter | last year's folder dialog title. The roster, last year's folder and the
    ' parent's own report (its dialog's words in the spec's [addin]) may be cancelled: the
    ' consolidation goes on without them.
    Dim texts() As String, folder As String, roster As String, previous As String, parent As String
    EnsureWorkbook
    If Not PythonReady() Then Exit Sub
    texts = Split(control.Tag, "|")
    folder = PickFolder(texts(0))
    If Len(folder) = 0 Then Exit Sub
    roster = PickFile(texts(1), texts(2))
    previous = PickFolder(texts(3))
    parent = PickFile(FromHex(TEXT_PARENT_TITLE), FromHex(TEXT_PARENT_FILTER))
    RunPython "import nianbao.addin.excel as addin; addin.consolidate_folder('" & HexText(folder) & "', '" & HexText(roster) & "', '" & HexText(previous) & "', '" & HexText(parent) & "')"
End Sub

Sub OnAbout(control As IRibbonControl)
    EnsureWorkbook
    If Not PythonReady() Then Exit Sub
    RunPython "import nianbao.addin.excel as addin; addin.about()"
End Sub

Private Sub EnsureWorkbook()
    ' RunPython hands Python the active workbook, so there has to be one.
    If ActiveWorkbook Is Nothing Then Workbooks.Add
End Sub

Private Function PickFolder(ByVal title As String) As String
    ' A folder, or "" when the clerk cancels. The Mac has no folder picker: any file picked
    ' stands for the folder it is in (Python takes its folder).
    Dim picked As Variant
    #If Mac Then
        picked = Application.GetOpenFilename(Title:=title)
        If VarType(picked) <> vbBoolean Then PickFolder = CStr(picked)
    #Else
        With Application.FileDialog(4) ' msoFileDialogFolderPicker
            .Title = title
            If .Show = -1 Then PickFolder = .SelectedItems(1)
        End With
    #End If
End Function

Private Function PickFile(ByVal title As String, ByVal fileFilter As String) As String
    ' One file, or "" when the clerk cancels.
    Dim picked As Variant
    #If Mac Then
        picked = Application.GetOpenFilename(Title:=title)
    #Else
        picked = Application.GetOpenFilename(FileFilter:=fileFilter, Title:=title)
    #End If
    If VarType(picked) <> vbBoolean Then PickFile = CStr(picked)
End Function

Private Function PythonReady() As Boolean
    ' Whether RunPython can start the configured Python with nianbao in it. When it cannot,
    ' xlwings would show its own English error box; the clerk gets a Chinese one instead,
    ' saying what happened and what to do. Checked before the first button of a session.
    Dim interpreter As String, key As String, problem As String, detail As String
    Dim configured As Boolean
    If PythonChecked Then
        PythonReady = True
        Exit Function
    End If
    #If Mac Then
        key = "INTERPRETER_MAC"
    #Else
        key = "INTERPRETER_WIN"
    #End If
    interpreter = GetConfig(key, "")
    If Len(interpreter) = 0 Then interpreter = GetConfig("INTERPRETER", "")
    configured = Len(interpreter) > 0
    If Not configured Then interpreter = "python" ' what RunPython runs then
    problem = ProblemStarting(interpreter, detail)
    If Len(problem) > 0 And Not configured Then problem = TEXT_PYTHON_NOT_CONFIGURED
    If Len(problem) > 0 Then
        MsgBox Filled(problem, interpreter, key, detail), vbCritical, FromHex(TEXT_TITLE)
    End If
    PythonChecked = (Len(problem) = 0)
    PythonReady = PythonChecked
End Function

Private Function ProblemStarting(ByVal interpreter As String, detail As String) As String
    ' The message (hexadecimal) for why the interpreter cannot run the add-in, or "".
    #If Mac Then
        ' Excel's sandbox on the Mac starts programs only through xlwings' AppleScript, which
        ' does not wait for them: RunPython itself finds out. A bare name (python) is not on
        ' the PATH that AppleScript's shell has.
        If Not IsFullName(interpreter) Then ProblemStarting = TEXT_PYTHON_NOT_FOUND
    #Else
        Dim wsh As Object, exitCode As Long
        If IsFullName(interpreter) Then
            If Not FileExists(interpreter) Then
                ProblemStarting = TEXT_PYTHON_NOT_FOUND
                Exit Function
            End If
        End If
        Set wsh = CreateObject("WScript.Shell")
        ' from Python's own folder, as xlwings runs it (DLLs found beside python.exe)
        If InStr(interpreter, "\") > 0 Then wsh.CurrentDirectory = ParentFolder(interpreter)
        On Error GoTo CannotStart
        exitCode = wsh.Run("""" & interpreter & """ -c ""import nianbao.addin, xlwings""", 0, True)
        On Error GoTo 0
        If exitCode = 9009 Then ' not found on the PATH, or the Microsoft Store's stand-in
            detail = "exit code 9009"
            ProblemStarting = TEXT_PYTHON_CANNOT_START
        ElseIf exitCode <> 0 Then
            ProblemStarting = TEXT_NIANBAO_MISSING
        End If
        Exit Function
CannotStart:
        detail = Err.Description
        ProblemStarting = TEXT_PYTHON_CANNOT_START
    #End If
End Function

Private Function Filled(ByVal message As String, ByVal interpreter As String, ByVal key As String, _
                        ByVal detail As String) As String
    ' A message of the spec's [addin] with its {placeholders} filled in.
    Dim text As String
    text = FromHex(message)
    text = Replace(text, "{interpreter}", interpreter)
    text = Replace(text, "{key}", key)
    text = Replace(text, "{config}", GetConfigFilePath())
    Filled = Replace(text, "{detail}", detail)
End Function

Private Function HexText(ByVal text As String) As String
    ' Each UTF-16 code unit as four hexadecimal digits; Python decodes it back.
    Dim i As Long, code As Long, result As String
    For i = 1 To Len(text)
        code = AscW(Mid$(text, i, 1))
        If code < 0 Then code = code + 65536
        result = result & Right$("000" & Hex$(code), 4)
    Next i
    HexText = result
End Function

Private Function FromHex(ByVal digits As String) As String
    ' The inverse of HexText: four hexadecimal digits per UTF-16 code unit.
    Dim i As Long, j As Long, code As Long, result As String
    For i = 1 To Len(digits) Step 4
        code = 0
        For j = i To i + 3
            code = code * 16 + InStr("0123456789ABCDEF", Mid$(digits, j, 1)) - 1
        Next j
        result = result & ChrW(code)
    Next i
    FromHex = result
End Function
