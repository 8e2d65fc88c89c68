"""OCOP Live Studio tests."""
