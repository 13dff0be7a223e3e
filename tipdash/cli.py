"""`python -m tipdash …`: a thin layer of commands over the library (the pages call the same functions)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _units(args) -> int:
    from tipdash import units

    if args.units_cmd == "list":
        print("code\tname_ro\tname_en\tname_ru\tkind\thas_commission")
        for u in units.all_units():
            print(f"{u.code}\t{u.name_ro}\t{u.name_en}\t{u.name_ru}\t{u.kind}\t{str(u.has_commission).lower()}")
        return 0
    res = units.resolve(args.name, allow_national=args.national)
    if not res.ok:
        print(res.message, file=sys.stderr)
        return 2
    name = units.official_name(res.code)
    if res.warning:
        print(res.message, file=sys.stderr)
    print(f"{res.code}\t{name}")
    return 0


def _import(args) -> int:
    from tipdash import ingest

    try:
        report = ingest.import_paths([Path(p) for p in args.paths], args.db, dry_run=args.dry_run,
                                       strict=args.strict, user=args.user)
    except Exception as exc:  # noqa: BLE001 - never a traceback: one line, exit 1
        print(f"import failed: {' '.join(str(exc).split())[:300] or type(exc).__name__}", file=sys.stderr)
        return 1
    for problem in report.problems:
        print(problem.line(args.lang), file=sys.stderr if problem.severity == "error" else sys.stdout)
    for result in report.files:
        print(result.text(args.lang))
    return 0 if report.ok else 1


def _init(args) -> int:
    from tipdash import ingest

    report = ingest.init_db(args.db, force=args.force)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    for result in report.files:
        print(result)
    return 0 if report.ok else 1


def _history(args) -> int:
    from tipdash import exports, store

    print(exports.to_tsv(store.history(store.Store(args.db))), end="")
    return 0


def _revert(args) -> int:
    from tipdash import store

    try:
        print(store.revert(args.db, args.id, user=args.user))
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    return 0


def _template(args) -> int:
    from tipdash import ingest

    ingest.write_template(args.year, Path(args.out))
    print(f"wrote {args.out}")
    return 0


def _export(args) -> int:
    from tipdash import exports, store

    data = exports.export_indicators(store.Store(args.db), args.year, fmt=args.format, lang=args.lang)
    sys.stdout.buffer.write(data) if args.out is None else Path(args.out).write_bytes(data)
    return 0


def _note(args) -> int:
    from tipdash import note, store

    try:
        data = note.render(store.Store(args.db), args.year, fmt=args.format, lang=args.lang)
    except note.NoData as exc:
        print(exc, file=sys.stderr)
        return 2
    out = args.out or note.file_name(args.year, args.lang, args.format)
    Path(out).write_bytes(data)
    print(f"wrote {out}")
    return 0


def _users(args) -> int:
    import getpass

    from tipdash import auth

    if args.users_cmd == "list":
        for name, user in sorted(auth.load_users().items()):
            print(f"{name}\t{user['role']}" + (f"\t{user['unit']}" if user.get("unit") else ""))
        return 0
    if args.users_cmd == "remove":
        return 0 if auth.remove_user(args.name) else 2
    # a line typed on Windows (or piped from a CRLF file) ends in CR LF: neither is part of the password
    password = sys.stdin.readline().removesuffix("\n").removesuffix("\r") if args.password_stdin \
        else getpass.getpass("Password: ")
    if not args.password_stdin and password != getpass.getpass("Repeat: "):
        print("Passwords differ", file=sys.stderr)
        return 2
    try:
        auth.add_user(args.name, args.role, password, unit=args.unit)
    except auth.AuthError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{args.name}\t{args.role}\t{auth.users_path()}")
    return 0


def _audit(args) -> int:
    from tipdash import exports, store

    print(exports.to_tsv(store.audit_log(store.Store(args.db))), end="")
    return 0


def _synth(args) -> int:
    from tipdash.ingest import synth

    try:
        manifest = synth.generate(Path(args.out), years=args.years, activities_per_unit=args.activities_per_unit,
                                  seed=args.seed, first_year=args.first_year, unit_codes=args.units, jobs=args.jobs)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"wrote {len(manifest['files'])} SYNTHETIC workbooks ({manifest['rows']['activities']} activity rows, "
          f"{manifest['bytes'] / 2**20:.1f} MB) to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tipdash", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    _data_commands(sub)
    _output_commands(sub)
    _account_commands(sub)
    return p


def _with_db(sp):
    sp.add_argument("--db", help="database file (default: $TIPDASH_DB, else data/tipdash.duckdb)")
    return sp


def _data_commands(sub) -> None:
    """units, import, init, history, revert."""
    u = sub.add_parser("units", help="the units gazetteer")
    usub = u.add_subparsers(dest="units_cmd", required=True)
    usub.add_parser("list", help="print the 37 units")
    r = usub.add_parser("resolve", help="resolve a unit name to its ISO code")
    r.add_argument("name")
    r.add_argument("--national", action="store_true", help="also accept the national level")
    u.set_defaults(func=_units)

    i = _with_db(sub.add_parser("import", help="import commission workbooks or summaries"))
    i.add_argument("paths", nargs="+")
    i.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    i.add_argument("--strict", action="store_true", help="the whole batch or nothing")
    i.add_argument("--user", default=None, help="who imports (recorded in history)")
    i.add_argument("--lang", choices=["ro", "en", "ru"], default="ro", help="language of the messages (default ro)")
    i.set_defaults(func=_import)

    n = _with_db(sub.add_parser("init", help="build the database from the data shipped in data/"))
    n.add_argument("--force", action="store_true", help="rebuild even if the database exists")
    n.set_defaults(func=_init)

    h = _with_db(sub.add_parser("history", help="list submissions, newest first"))
    h.set_defaults(func=_history)

    rv = _with_db(sub.add_parser("revert", help="undo a submission (or every submission of an import id)"))
    rv.add_argument("id", type=int)
    rv.add_argument("--user", default=None)
    rv.set_defaults(func=_revert)


def _output_commands(sub) -> None:
    """template, export, note."""
    t = sub.add_parser("template", help="write the blank commission report workbook")
    t.add_argument("--year", type=int, required=True)
    t.add_argument("--out", required=True)
    t.set_defaults(func=_template)

    e = _with_db(sub.add_parser(
        "export", help="export indicators per commission",
        description="One row per commission (35). Figures the source gives only for the whole country "
                    "(for 2022: information activities, trainings, participants in trainings, victims or "
                    "presumed victims, NGO partners) are NOT in it: they are at national level, in the note "
                    "and on the Map page, never spread over the commissions."))
    e.add_argument("what", choices=["indicators"])
    e.add_argument("--year", type=int, required=True)
    e.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
    e.add_argument("--lang", choices=["ro", "en", "ru"], default="en")
    e.add_argument("--out", default=None, help="file to write (default: standard output)")
    e.set_defaults(func=_export)

    nt = _with_db(sub.add_parser("note", help="generate the annual informative note"))
    nt.add_argument("--year", type=int, required=True)
    nt.add_argument("--format", choices=["md", "docx", "pdf"], default="md")
    nt.add_argument("--lang", choices=["ro", "en", "ru"], default="ro")
    nt.add_argument("--out", default=None)
    nt.set_defaults(func=_note)


def _account_commands(sub) -> None:
    """users, audit, and synth (benchmark data)."""
    us = sub.add_parser("users", help="sign-in accounts (config/users.toml)")
    ussub = us.add_subparsers(dest="users_cmd", required=True)
    ua = ussub.add_parser("add", help="create or replace a user; prompts for the password")
    ua.add_argument("name")
    ua.add_argument("--role", choices=["commission", "analyst", "admin"], required=True)
    ua.add_argument("--unit", help="commission role: the unit it files for (ISO code such as MD-CA, or name)")
    ua.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    ussub.add_parser("list", help="user names and roles")
    ur = ussub.add_parser("remove")
    ur.add_argument("name")
    us.set_defaults(func=_users)

    au = _with_db(sub.add_parser("audit", help="imports, reverts, sign-ins and downloads, newest first"))
    au.set_defaults(func=_audit)

    sy = sub.add_parser("synth", help="write SYNTHETIC format-A workbooks for benchmarks (never into data/)")
    sy.add_argument("--out", required=True, help="directory to write (outside data/)")
    sy.add_argument("--years", type=int, default=20)
    sy.add_argument("--activities-per-unit", type=int, default=2000, help="activity rows per unit-year")
    sy.add_argument("--seed", type=int, default=1)
    sy.add_argument("--first-year", type=int, default=2005)
    sy.add_argument("--units", type=int, default=None, help="only the first N commission units (default: all 35)")
    sy.add_argument("--jobs", type=int, default=1, help="processes writing files (same bytes)")
    sy.set_defaults(func=_synth)


def main(argv: list[str] | None = None) -> int:
    from tipdash.store import StoreMissing

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except StoreMissing as exc:
        print(exc, file=sys.stderr)
        return 2
