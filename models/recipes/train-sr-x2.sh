#!/bin/sh
# Recipe: the bundled super-resolution x2 model (see train-sr.sh).
exec "$(dirname "$0")/train-sr.sh" 2 1
