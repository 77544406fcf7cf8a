"""``pztraining completion bash``: print a shell completion script made from the command table."""

from __future__ import annotations

import argparse
import sys

from pztraining.core.texts import t

SHELLS = ("bash",)


def completion_arguments(sub) -> None:
    sub.add_argument("shell", choices=SHELLS, help=t("cli.opt.shell"))


def _options(parser: argparse.ArgumentParser) -> tuple[list[str], dict[str, list[str]]]:
    """Every option string of ``parser`` and, per option with fixed choices, those choices."""
    flags: list[str] = []
    choices: dict[str, list[str]] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        flags += action.option_strings
        if action.option_strings and action.choices:
            for flag in action.option_strings:
                choices[flag] = [str(choice) for choice in action.choices]
    return flags, choices


def _words(parser: argparse.ArgumentParser, indent: str) -> list[str]:
    """The bash lines that set ``words`` for one (sub-)parser: its options, or an option's choices."""
    from pztraining.cli.table import subparsers_of

    flags, choices = _options(parser)
    positional = [
        str(choice)
        for action in parser._actions
        if not action.option_strings and action.choices and not isinstance(action, argparse._SubParsersAction)
        for choice in action.choices
    ]
    lines = [f'{indent}case "$prev" in']
    lines += [f'{indent}    {flag}) words="{" ".join(values)}" ;;' for flag, values in choices.items()]
    lines.append(f'{indent}    *) words="{" ".join(list(subparsers_of(parser)) + positional + flags)}" ;;')
    lines.append(f"{indent}esac")
    return lines


def bash_script() -> str:
    """A bash completion for ``pztraining``: commands, actions, options and their fixed choices."""
    from pztraining.cli.table import build_parser, subparsers_of

    parser = build_parser()
    commands = subparsers_of(parser)
    actions = [f"{name}:{action}" for name, sub in commands.items() for action in subparsers_of(sub)]
    lines = [
        "# bash completion for pztraining, made from its command table by `pztraining completion bash`.",
        '# Use: eval "$(pztraining completion bash)" (e.g. in ~/.bashrc).',
        "_pztraining() {",
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}",
        "    local command='' action='' word words i",
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        "        word=${COMP_WORDS[i]}",
        "        if [[ -z $command ]]; then",
        f'            case " {" ".join(commands)} " in *" $word "*) command=$word ;; esac',
        "        elif [[ -z $action ]]; then",
        f'            case " {" ".join(actions)} " in *" $command:$word "*) action=$word ;; esac',
        "        fi",
        "    done",
        '    case "$command" in',
        "        '')",
        f'            words="{" ".join(list(commands) + _options(parser)[0])}" ;;',
    ]
    for name, sub in commands.items():
        lines.append(f"        {name})")
        steps = subparsers_of(sub)
        if steps:
            lines.append('            case "$action" in')
            for action, step in steps.items():
                lines.append(f"                {action})")
                lines += _words(step, " " * 20)
                lines.append("                    ;;")
            lines.append("                *)")
            lines += _words(sub, " " * 20)
            lines.append("                    ;;")
            lines.append("            esac ;;")
        else:
            lines += _words(sub, " " * 12)
            lines.append("            ;;")
    lines += [
        "    esac",
        '    COMPREPLY=($(compgen -W "$words" -- "$cur"))',
        "}",
        "complete -o default -F _pztraining pztraining",
        "",
    ]
    return "\n".join(lines)


def cmd_completion(args) -> int:
    sys.stdout.write(bash_script())
    return 0
