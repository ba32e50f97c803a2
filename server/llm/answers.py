"""Reading a model's answer as it was meant: every common form, before any retry.

DSPy's ChatAdapter writes the prompt (fields between ``[[ ## name ## ]]`` markers); the
answer is read by :class:`TolerantAdapter`, in this order:

1. thinking (``<think>…</think>``) is dropped: it is never searched for fields;
2. the marker format, split exactly as it streamed (server/llm/fields.py);
3. a JSON object carrying the fields, fenced or not — DSPy's own JSONAdapter.parse (with
   the choices typed as plain text, so that the next step can read them);
4. labels, as models write them in prose or markdown: ``**Target:** 3``, ``Speech: …``;
5. a speech-only answer with no structure at all is the speech.

A choice is then normalised to the legal option it names, when it names exactly one:
"3", "Seat 3", "#3", "3号", "seat 3 (Alice)", a player's name, "poison seat 3",
"abstain"/"弃权". Anything still missing or ambiguous raises DSPy's AdapterParseError
with a note naming the exact format expected and an example built from the legal options
(:func:`format_note`), which the bot sends with its one retry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, get_args

import dspy
from dspy.utils.exceptions import AdapterParseError

from .fields import split_fields, strip_think

_PASS_WORDS = {
    "abstain": ("abstain", "none", "no one", "nobody", "pass", "skip", "弃票", "弃权", "不投"),
    "none": ("none", "no one", "nobody", "hold", "hold fire", "pass", "skip", "不开枪", "不带"),
    "pass": ("pass", "none", "nothing", "skip", "no potion", "不用药", "不用", "空过"),
}
_SEAT_REF = re.compile(
    r"(?:seat|player|no\.?|number|#|座位)\s*#?\s*(\d{1,2})\b|(\d{1,2})\s*(?:号|號)|^\s*(\d{1,2})\s*$",
    re.I,
)
_NUMBER = re.compile(r"(?<![\d.])(\d{1,2})(?![\d.])")
_LABEL = re.compile(r"^[\s>*_#`-]*([A-Za-z_]+)[\s*_`]*[:：][\s*_`]*(.*)$")


def _literal_options(annotation: Any) -> list[str] | None:
    args = get_args(annotation)
    if args and all(isinstance(a, str) for a in args):
        return list(args)
    return None


def normalise_choice(value: Any, options: Sequence[str], names: Sequence[str] = ()) -> str | None:
    """The one legal option ``value`` names, or None (nothing legal, or more than one)."""
    text = str(value if value is not None else "").strip()
    text = re.sub(r"[*_`\"'“”‘’\[\]]", "", text).strip().rstrip(".。!！").strip()
    low = text.lower()
    legal = {o.lower(): o for o in options}
    if low in legal:
        return legal[low]
    for i, name in enumerate(names, 1):  # a player's name stands for their seat
        if name and re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", low):
            low = re.sub(rf"(?<!\w){re.escape(name.lower())}(?!\w)", f"seat {i}", low)
    seats = {int(a or b or c) for a, b, c in _SEAT_REF.findall(low)}
    if not seats:
        seats = {int(n) for n in _NUMBER.findall(low)}
    if len(seats) > 1:
        return None
    if len(seats) == 1:
        n = seats.pop()
        for candidate in (f"poison {n}", str(n)) if "poison" in low or "毒" in low else (str(n),):
            if candidate in legal:
                return legal[candidate]
        return None
    if "save" in low or "救" in low:
        return legal.get("save")
    for word, says in _PASS_WORDS.items():
        if word in legal and any(s in low for s in says):
            return legal[word]
    return None


def example(signature: type[dspy.Signature]) -> str:
    """An answer in the marker format, with the first legal option as each choice."""
    parts = []
    for name, field in signature.output_fields.items():
        options = _literal_options(field.annotation)
        if options:
            value = next((o for o in options if o[:1].isdigit()), options[0])
        elif name == "reasoning":
            value = "…your private reasoning…"
        else:
            value = f"…your {name}…"
        parts.append(f"[[ ## {name} ## ]]\n{value}")
    parts.append("[[ ## completed ## ]]")
    return "\n\n".join(parts)


def format_note(signature: type[dspy.Signature]) -> str:
    """What the retry says: the exact format, the legal options, an example."""
    choices = [
        f"{name} must be exactly one of: {', '.join(opts)}"
        for name, field in signature.output_fields.items()
        if (opts := _literal_options(field.annotation))
    ]
    return (
        "Write each field after its marker line, in this order, and nothing else"
        + (" (" + "; ".join(choices) + ")" if choices else "")
        + ". For example:\n"
        + example(signature)
    )


def _labels(text: str, wanted: Sequence[str]) -> dict[str, str]:
    """``Name: value`` lines (markdown or not); a value runs on until the next label."""
    out: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        m = _LABEL.match(line)
        name = m.group(1).lower() if m else None
        if m and name in wanted:
            current = name
            out.setdefault(current, [])
            if m.group(2).strip():
                out[current].append(m.group(2).strip())
        elif current is not None and name is None:
            out[current].append(line)
    return {k: "\n".join(v).strip() for k, v in out.items() if "\n".join(v).strip()}


class TolerantAdapter(dspy.ChatAdapter):
    """ChatAdapter's prompt; an answer read in every common form (see the module's docstring).

    ``names`` are the players' names by seat, for a choice given as a name."""

    def __init__(self, names: Sequence[str] = ()) -> None:
        super().__init__(use_json_adapter_fallback=False)  # one call per attempt, no more
        self.names = list(names)

    def parse(self, signature: type[dspy.Signature], completion: str) -> dict[str, Any]:
        text = strip_think(completion)
        fields = list(signature.output_fields)
        found = split_fields(text, fields)
        missing = [f for f in fields if f not in found]
        if missing and "{" in text:
            found = {**self._json(signature, text), **found}
            missing = [f for f in fields if f not in found]
        if missing:
            found = {**_labels(text, missing), **found}
            missing = [f for f in fields if f not in found]
        if missing == ["speech"] or set(missing) == {"reasoning", "speech"}:
            if not re.search(r"\[\[ ## \w+ ## \]\]", text) and text.strip() and len(fields) <= 2:
                found["speech"] = text.strip()  # a bare speech: the whole answer is it
        found.setdefault("reasoning", "")  # thinking is welcome, never required
        out: dict[str, Any] = {}
        for name, field in signature.output_fields.items():
            if name not in found:
                raise AdapterParseError(
                    adapter_name="TolerantAdapter",
                    signature=signature,
                    lm_response=completion,
                    message=f"no `{name}` field in the answer. {format_note(signature)}",
                )
            options = _literal_options(field.annotation)
            if options is None:
                out[name] = str(found[name]).strip()
                continue
            choice = normalise_choice(found[name], options, self.names)
            if choice is None:
                raise AdapterParseError(
                    adapter_name="TolerantAdapter",
                    signature=signature,
                    lm_response=completion,
                    message=f"`{name}` {str(found[name])[:60]!r} names no single legal option. "
                    + format_note(signature),
                )
            out[name] = choice
        return out

    def _json(self, signature: type[dspy.Signature], text: str) -> dict[str, Any]:
        """The fields of a JSON object in the answer, through DSPy's JSONAdapter (choices as
        plain text: they are normalised afterwards)."""
        plain = signature
        for name, field in signature.output_fields.items():
            if _literal_options(field.annotation):
                plain = plain.with_updated_fields(name, type_=str)
        try:
            parsed = dspy.JSONAdapter().parse(plain, text)
        except AdapterParseError as e:  # some fields missing: keep those it did find
            parsed = e.parsed_result if isinstance(e.parsed_result, dict) else {}
        except ValueError:
            return {}
        return {k: v for k, v in parsed.items() if v not in (None, "")}
