"""The only package that reads or writes spreadsheet files (fastexcel for reading, openpyxl for
writing templates and reports)."""
