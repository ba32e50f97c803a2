"""The app's colours, every one a colour of the xterm 256-colour palette.

OpenSSH does not forward ``COLORTERM``, so a truecolor terminal reached over ssh is
driven as a 256-colour one and arbitrary RGB is rounded to the nearest palette entry
(muddy greys, shifted hues). Picking palette colours to begin with means the board
looks the same locally and over ssh. Text styles in the widgets use the named ANSI
colours (yellow, cyan, magenta…), which the terminal's own palette renders.
"""

from __future__ import annotations

from textual.theme import Theme

WEREWOLF = Theme(
    name="werewolf",
    primary="#5f87d7",  # 68
    secondary="#5fafaf",  # 73
    accent="#d7af5f",  # 179
    warning="#d7af00",  # 178
    error="#d75f5f",  # 167
    success="#5faf5f",  # 71
    foreground="#d0d0d0",  # 252
    background="#1c1c1c",  # 234
    surface="#262626",  # 235
    panel="#3a3a3a",  # 237
    boost="#303030",  # 236
    dark=True,
)
