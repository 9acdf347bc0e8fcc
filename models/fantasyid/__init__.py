"""FantasyID generator architecture (PyTorch), defined once and exported to ONNX.

See models/README.md (generator section) for modules, shapes and the export.
"""
