"""The generated test corpus: one report's content rendered in every form agencies publish.

``python -m tests.corpus.generate`` writes ``tests/data/cases/<case>.<ext>`` and
``tests/data/cases/<case>.json`` (provenance ``generated``). The golden values come from the
case's own numbers (``content``), never from the converter.
"""
