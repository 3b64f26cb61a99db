"""The SOP's reports: built from the read models, rendered to PDF, XLSX and CSV."""
