"""Backup and restore: one archive holding the database and the media files.

The archive (``.tar.gz``):

- ``database.dump``: ``pg_dump --format=custom`` for PostgreSQL, a copy made with SQLite's
  online backup for the embedded default;
- ``media/<path>``: every file under ``MEDIA_ROOT`` (report PDFs, stakeholder attachments,
  imported spreadsheets);
- ``manifest.json``: the format, when, the database vendor, the latest applied migration
  of each app, the rows of every table and the size and SHA-256 of the dump and of every
  media file. Counts and dump come from one snapshot of the database, so they agree even
  while the application keeps writing.

A restore checks the whole archive against its manifest before it writes anything, goes
into an empty database of the same vendor only (PostgreSQL to PostgreSQL, SQLite to SQLite:
moving between vendors is not supported), writes the media files into ``MEDIA_ROOT`` and
then counts the rows of every table again.

``databases`` speaks to each vendor (pg_dump and pg_restore, SQLite's backup API) and
``archive`` writes and checks the archive. Only Django's database settings and the standard
tools are used: the management commands ``backup`` and ``restore`` are thin calls of
``archive.backup_create`` and ``archive.backup_restore``.
"""
