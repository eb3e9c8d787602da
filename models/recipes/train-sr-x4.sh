#!/bin/sh
# Recipe: the bundled super-resolution x4 model (see train-sr.sh).
exec "$(dirname "$0")/train-sr.sh" 4 2
