"""Renderers that turn a ReportDocument into PDF, XLSX and CSV bytes."""
