#!/usr/bin/env bash
# Bad input stops the word-model chapter with a clear message and writes nothing (the checks shared by
# the chapters that read only The Time Machine).
exec "$(dirname "$0")/cli-errors-timemachine.sh" "$@"
