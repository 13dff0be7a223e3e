"""Reports filed in the dashboard, and the State Chancellery's reporting campaign (issue 14).

- ``content``: the form's content, as format-A sheets (validated by ``tipdash.ingest.parse``, the
  importer's own validator) and as a filled workbook;
- ``drafts``: drafts in the database (version-checked saves), submit (an import of the same
  content), the year's lock; who may file for which unit (``authorise``);
- ``campaign``: per unit and year, not started / draft / submitted / late, completeness, last change,
  contacts; the deadline of each year (``config/tipdash.toml``, ``[campaign.deadlines]``).
"""
