"""Pure functions from stored data to things people look at.

Trends (aggregate -> suppress -> trends -> charts / report -> export and the PDF
evidence pack), spreadsheet-safe CSV tables, the AUP register, and QR codes.
Nothing here imports Flet or the kiosk.
"""
