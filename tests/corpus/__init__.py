"""The generated test corpus: one report's content rendered in every form agencies publish.

``python -m tests.corpus.generate`` writes ``tests/data/corpus/sources/<case>.<ext>`` and
``tests/data/corpus/golden/<case>.json``. The golden values come from the case's own numbers
(``content``), never from the converter.
"""
