#!/usr/bin/env python3
"""Checks OCI config.json files against the runtime-spec JSON schema.

    check_configs.py [--schema-dir DIR] [--empty-exit-code N] PATH...

Each PATH is a config file or a directory searched recursively for *.json.
The schema is Debian's golang-github-opencontainers-specs-dev
(/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema); its
config-schema.json pulls in defs*.json by relative $ref, so they are resolved
against the schema directory. Prints one line per problem ("file: /json/path:
message") and exits 1 if any file fails, N (default 2) if there is nothing to
check (a missing PATH holds nothing), 1 if the schema or the jsonschema module
is missing, 0 otherwise.
"""
import argparse
import json
import pathlib
import sys
import warnings

DEFAULT_SCHEMA_DIR = "/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema"


def load_validator(schema_dir):
    try:
        import jsonschema
    except ImportError:
        sys.exit("check_configs: python3-jsonschema is missing (apt-get install python3-jsonschema)")
    schema_path = schema_dir / "config-schema.json"
    if not schema_path.is_file():
        sys.exit(f"check_configs: {schema_path} is missing (apt-get install golang-github-opencontainers-specs-dev)")
    schema = json.loads(schema_path.read_text())
    cls = jsonschema.validators.validator_for(schema)
    # RefResolver is deprecated in jsonschema >= 4.18 but is the one API that
    # both Debian 12's 4.10 and newer releases have.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver(base_uri=schema_dir.resolve().as_uri() + "/", referrer=schema)
        return cls(schema, resolver=resolver)


def config_files(paths):
    for p in map(pathlib.Path, paths):
        if not p.exists():
            print(f"check_configs: {p} does not exist")
        elif p.is_dir():
            yield from sorted(p.rglob("*.json"))
        else:
            yield p


def pointer(error):
    return "/" + "/".join(str(part) for part in error.absolute_path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema-dir", type=pathlib.Path, default=pathlib.Path(DEFAULT_SCHEMA_DIR))
    parser.add_argument("--empty-exit-code", type=int, default=2)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    validator = load_validator(args.schema_dir)
    checked = failed = 0
    for path in config_files(args.paths):
        checked += 1
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError) as e:
            print(f"{path}: cannot read: {e}")
            failed += 1
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
        for e in errors:
            print(f"{path}: {pointer(e)}: {e.message}")
        failed += bool(errors)
    if checked == 0:
        print("check_configs: no config files found in " + " ".join(args.paths) +
              " (the runc and integration tests collect them when they run in the same ctest run)")
        return args.empty_exit_code
    print(f"check_configs: {checked - failed} of {checked} configs pass {args.schema_dir / 'config-schema.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
