"""Compile the .po catalogs into the .mo files the bots load, and keep both in step with `Msg`.

Usage: ``python -m bots.language.compile_catalogs [--check | --update]``

- no option: write every ``messages.mo`` from its ``messages.po``;
- ``--check``: exit 1 if a committed .mo differs from its .po (the catalog tests check too);
- ``--update``: add new `Msg`/`PluralMsg` ids to every .po (English filled in, other
  languages left empty for a translator) and mark ids no longer in the code obsolete.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from bots.language.catalog import DEFAULT_LANGUAGE as SOURCE_LANGUAGE
from bots.language.catalog import DOMAIN, LOCALES_DIR
from bots.language.message_sets import MESSAGE_SETS
from bots.language.messages import PluralMsg

MessageId = str | tuple[str, str]


def po_path(language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    """Where the editable catalog of `language` lives."""
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages(locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Languages that have a catalog, in a stable order."""
    return sorted(p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_catalog(language: str, locales_dir: Path = LOCALES_DIR) -> Catalog:
    """Parse one .po file; its Plural-Forms header wins over babel's table."""
    with po_path(language, locales_dir).open("rb") as fp:
        return read_po(fp, locale=language, domain=DOMAIN)


def compile_catalog(catalog: Catalog) -> bytes:
    """The .mo bytes for a catalog; fuzzy entries are left out, as gettext does."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _freeze(value: object) -> object:
    """Plural ids and strings come back from .mo files as lists; compare them as tuples."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _contents(catalog: Catalog) -> dict[object, object]:
    """Message ids to translations, ignoring the header, so a babel upgrade is not 'stale'."""
    return {_freeze(m.id): _freeze(m.string) for m in catalog if m.id}


def stale(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """The .mo files whose translations or plural rule differ from a fresh compile of their .po."""
    out: list[Path] = []
    for language in languages(locales_dir):
        mo = po_path(language, locales_dir).with_suffix(".mo")
        if not mo.exists():
            out.append(mo)
            continue
        fresh = read_mo(io.BytesIO(compile_catalog(read_catalog(language, locales_dir))))
        with mo.open("rb") as fp:
            committed = read_mo(fp)
        same_rule = committed.plural_forms == fresh.plural_forms
        if not same_rule or _contents(committed) != _contents(fresh):
            out.append(mo)
    return out


def compile_all(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Write every .mo from its .po and return the paths written."""
    written: list[Path] = []
    for language in languages(locales_dir):
        mo = po_path(language, locales_dir).with_suffix(".mo")
        mo.write_bytes(compile_catalog(read_catalog(language, locales_dir)))
        written.append(mo)
    return written


def code_message_ids() -> list[MessageId]:
    """Every message id the code can send."""
    ids: list[MessageId] = list(dict.fromkeys(m.value for enum in MESSAGE_SETS for m in enum))
    ids.extend((p.singular, p.plural) for p in PluralMsg)
    return ids


def update_all(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Add ids the code has and the .po files lack; mark the others obsolete."""
    wanted = code_message_ids()
    keys = {m if isinstance(m, str) else m[0]: m for m in wanted}
    changed: list[Path] = []
    for language in languages(locales_dir):
        catalog = read_catalog(language, locales_dir)
        present = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        for key in present - keys.keys():
            catalog.obsolete[key] = catalog[key]
            del catalog[key]
        for key, msgid in keys.items():
            if key in present:
                continue
            string: MessageId = ("", "") if isinstance(msgid, tuple) else ""
            if language == SOURCE_LANGUAGE:
                string = msgid
            flags = ("python-brace-format",) if "{" in key else ()
            catalog.add(msgid, string, flags=flags)
        if present != keys.keys():
            with po_path(language, locales_dir).open("wb") as fp:
                write_po(fp, catalog, width=0)
            changed.append(po_path(language, locales_dir))
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="fail if a .mo is out of date")
    group.add_argument("--update", action="store_true", help="sync .po files with the code")
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale()
        for path in out_of_date:
            sys.stderr.write(f"out of date: {path}\n")
        return 1 if out_of_date else 0
    if args.update:
        for path in update_all():
            sys.stdout.write(f"updated {path}\n")
    for path in compile_all():
        sys.stdout.write(f"compiled {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
