"""Pure functions from stored data to things people look at: QR images (charts and tables later)."""
