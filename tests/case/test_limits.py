"""Reading with limits: hostile YAML ends in one located line and exit 2, quickly and in little
memory (document.py's MAX_* limits), never a traceback, a hang or memory run out."""

import os
import time

import pytest
from click.testing import CliRunner

from evfleet.cli import main
from evfleet.document import MAX_DEPTH, MAX_STRING_CHARS, MAX_VALUES


def validate(path):
    start = time.monotonic()
    result = CliRunner().invoke(main, ["validate", str(path)])
    return result, time.monotonic() - start


def alias_bomb() -> str:
    # 10 x 10 x ... : nine levels of ten aliases each expand to 10^9 values from 300 bytes
    text, prev = "a: &a [x, x, x, x, x, x, x, x, x, x]\n", "a"
    for level in "bcdefghi":
        text += f"{level}: &{level} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
        prev = level
    return text + "name: bomb\n"


@pytest.mark.parametrize("name, text, expected", [
    # a holds 11 values, b 111, ..., f 1,111,111: the first over the limit, at line 6
    ("bomb", alias_bomb(), f":6: f: expected at most {MAX_VALUES:,} values, got more (YAML "
                           "aliases expanding without end?)"),
    ("deep-list", "name: x\nv: " + "[" * 20_000 + "]" * 20_000 + "\n",
     f": expected mappings and lists nested at most {MAX_DEPTH} deep"),
    ("deep-map", "name: x\nv: " + "{a: " * 200 + "1" + "}" * 200 + "\n",
     f":2: v.a.a.a.a.a.a.a: expected mappings and lists nested at most {MAX_DEPTH} deep"),
    ("long-integer", "name: x\nbudget_cny: " + "9" * 5000 + "\n",
     ":2: expected an integer of at most 4299 digits"),
    ("long-string", "name: " + "x" * (MAX_STRING_CHARS + 1) + "\n",
     f":1: name: expected a string of at most {MAX_STRING_CHARS:,} characters, got "
     f"{MAX_STRING_CHARS + 1:,}"),
    ("tag", "name: x\ncity: !city shenzhen\n",
     ":2: city: YAML tags are not part of the case format, got !city shenzhen"),
    ("two-documents", "name: a\n---\nname: b\n",
     ":2: YAML syntax error: expected one YAML document, found a second (a '---' line)"),
    ("latin-1", "name: caf\xe9\n", ":1: expected UTF-8 text, got bytes in another encoding"),
    # where the planner must fix it, not where the parser noticed (the end of the file, a later line)
    ("unclosed-quote", "name: x\ncity: 'shenzhen\nstart_year: 2025\nend_year: 2030\n",
     ":2: YAML syntax error: a quoted text opened on this line is never closed"),
    ("unclosed-brace", "name: x\ngrid_upgrade: {max_kw: 800\nend_year: 2030\n",
     ":2: YAML syntax error: a '{' opened on this line is not closed (expected ',' or '}', but "
     "got ':' at line 3)"),
    ("duplicate-key", "name: x\ncity: shenzhen\nname: y\n",
     ":3: YAML syntax error: the key 'name' is given twice in one mapping"),
    ("reused-anchor", "name: &a x\ncity: &a shenzhen\n",
     ":2: YAML syntax error: the anchor '&a' is defined twice (first at line 1); give each anchor "
     "its own name"),
    ("indented-key", "name: x\ncity: shenzhen\n  start_year: 2025\n",
     ":3: YAML syntax error: a ':' where no key may start"),
])
def test_hostile_yaml_is_one_line(tmp_path, name, text, expected):
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(text.encode("latin-1" if name == "latin-1" else "utf-8"))
    result, seconds = validate(path)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.startswith(f"{path}{expected}")
    assert seconds < 30


def test_a_bom_is_no_part_of_the_first_field(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: x\n".encode("utf-8"))
    result, _ = validate(path)
    assert "\ufeff" not in result.output and "city: required field is missing" in result.output


def test_a_misspelt_required_key_is_one_problem_not_two(tmp_path):
    path = tmp_path / "misspelt.yaml"
    path.write_text("nmae: x\ncity: shenzhen\nstart_year: 2025\nend_year: 2026\n"
                    "discount_rate: 0.06\ndepots: []\n")
    result, _ = validate(path)
    assert f"{path}:1: nmae: unknown field (did you mean 'name'? it is required)" in result.output
    assert "name: required field is missing" not in result.output


def test_an_unknown_key_spelt_like_a_pydantic_tag_is_named_at_its_line(tmp_path):
    # found by the fuzz test: '[key]' is also pydantic's own tag for a mapping's key, and was
    # stripped from the location, leaving none ("internal error: IndexError")
    path = tmp_path / "tagged.yaml"
    path.write_text("name: x\ncity: shenzhen\nstart_year: 2025\nend_year: 2026\n"
                    "discount_rate: 0.06\ndepots: []\n'[key]':\n")
    result, _ = validate(path)
    assert result.exit_code == 2
    assert f"{path}:7: [key]: unknown field" in result.output.splitlines()


def test_special_files_are_refused_at_once(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(loop)
    for path, message in [(fifo, "expected a case file (a regular file), got a pipe, socket or "
                                 "device"),
                          (zero, "expected a case file (a regular file), got a pipe, socket or "
                                 "device"),
                          (loop, "cannot read: Too many levels of symbolic links")]:
        result, seconds = validate(path)
        assert result.exit_code == 2 and result.output.startswith(f"{path}: {message}")
        assert seconds < 10
