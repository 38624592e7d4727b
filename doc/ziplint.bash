# bash completion for ziplint                              -*- shell-script -*-
# Installed as bash-completion/completions/ziplint; source it by hand with
#   . doc/ziplint.bash

_ziplint()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local commands="check fix du rules explain hook"
    local check_opts="--profile --handler --runtime --arch --layer --layers-size --select
        --ignore --fail-on --upload --reproducible --verify --format -o --statistics --config
        --isolated -j --color --quiet -q --verbose -v --help -h"
    local fix_opts="--unsafe-fixes --dry-run --output --backup --backup= --no-verify
        --exit-non-zero-on-fix"

    if ((cword == 1)); then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    local cmd=${words[1]}

    case $prev in
        --profile) COMPREPLY=($(compgen -W "function layer" -- "$cur")); return ;;
        --runtime)
            COMPREPLY=($(compgen -W "python3.9 python3.10 python3.11 python3.12 python3.13
                python3.14" -- "$cur"))
            return ;;
        --arch) COMPREPLY=($(compgen -W "x86_64 arm64" -- "$cur")); return ;;
        --upload) COMPREPLY=($(compgen -W "direct s3" -- "$cur")); return ;;
        --fail-on) COMPREPLY=($(compgen -W "error warning info never" -- "$cur")); return ;;
        --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --format)
            if [[ $cmd == du ]]; then
                COMPREPLY=($(compgen -W "text json" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "text json sarif github" -- "$cur"))
            fi
            return ;;
        --select | --ignore)
            local codes
            codes=$(ziplint rules 2>/dev/null | awk 'NR > 1 {print $1}')
            COMPREPLY=($(compgen -W "$codes" -- "${cur##*,}"))
            if [[ $cur == *,* ]]; then
                local head=${cur%,*}
                COMPREPLY=("${COMPREPLY[@]/#/$head,}")
            fi
            return ;;
        --layer | --output | -o)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --config)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --handler | --layers-size | -j | --depth) return ;;
    esac

    case $cmd in
        check | fix)
            if [[ $cur == -* ]]; then
                local opts=$check_opts
                [[ $cmd == fix ]] && opts="$opts $fix_opts"
                COMPREPLY=($(compgen -W "$opts" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -X '!*.[zZ][iI][pP]' -- "$cur") $(compgen -d -- "$cur"))
                [[ $cur == - ]] && COMPREPLY+=(-)
            fi ;;
        du)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--depth --format -o --verbose -v --help" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -X '!*.[zZ][iI][pP]' -- "$cur") $(compgen -d -- "$cur"))
            fi ;;
        explain)
            COMPREPLY=($(compgen -W "$(ziplint rules 2>/dev/null | awk 'NR > 1 {print $1}')" \
                -- "$cur")) ;;
        hook)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--force --help" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "install run" -- "$cur"))
            fi ;;
        rules) COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
    esac
} && complete -o filenames -F _ziplint ziplint

# ex: filetype=sh
