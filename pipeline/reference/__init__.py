"""Reference data: NHS organisations, ICBs, regions and CMAST sites.

``build`` rebuilds the committed CSVs in ``data/reference`` from NHS England's files;
``load`` reads them back as typed DataFrames.
"""
