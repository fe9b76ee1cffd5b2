Attribute VB_Name = "RibbonMyAddin"
' Ribbon callbacks of the nianbao add-in: one Sub per button of customUI.xml, each one
' RunPython line into nianbao.addin.excel, where all the work is done.
'
' The module keeps the name it has in xlwings' quickstart_addin_ribbon.xlam, because
' `nianbao addin build` rewrites module sources in place and never renames modules.
' This file is ASCII only: the Chinese texts live in customUI.xml (a button's Tag holds
' its dialog title and file filter) and in Python. File paths are handed to Python as
' hexadecimal UTF-16, so that no Chinese character or quote passes through the command.
Option Explicit

Sub OnImport(control As IRibbonControl)
    Dim texts() As String, files As Variant, i As Long, args As String
    EnsureWorkbook
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
    RunPython "import nianbao.addin.excel as addin; addin.new_blank('" & control.Tag & "')"
End Sub

Sub OnValidate(control As IRibbonControl)
    EnsureWorkbook
    RunPython "import nianbao.addin.excel as addin; addin.validate()"
End Sub

Sub OnClearMarks(control As IRibbonControl)
    EnsureWorkbook
    RunPython "import nianbao.addin.excel as addin; addin.clear_marks()"
End Sub

Sub OnConsolidate(control As IRibbonControl)
    Dim picked As Variant
    EnsureWorkbook
    #If Mac Then
        ' No folder picker on the Mac: any file picked stands for the folder it is in.
        picked = Application.GetOpenFilename(Title:=control.Tag)
        If VarType(picked) = vbBoolean Then Exit Sub
    #Else
        With Application.FileDialog(4) ' msoFileDialogFolderPicker
            .Title = control.Tag
            If .Show <> -1 Then Exit Sub
            picked = .SelectedItems(1)
        End With
    #End If
    RunPython "import nianbao.addin.excel as addin; addin.consolidate_folder('" & HexText(CStr(picked)) & "')"
End Sub

Sub OnAbout(control As IRibbonControl)
    EnsureWorkbook
    RunPython "import nianbao.addin.excel as addin; addin.about()"
End Sub

Private Sub EnsureWorkbook()
    ' RunPython hands Python the active workbook, so there has to be one.
    If ActiveWorkbook Is Nothing Then Workbooks.Add
End Sub

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
