#!/bin/sh
# Runs one MPI rank under GNU time: rank_time.sh PREFIX command...
# writes the `/usr/bin/time -v` report (max RSS = the rank's VmHWM, CPU time, wall) to PREFIX.rank<N>.
p=$1; shift
exec /usr/bin/time -v -o "$p.rank${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}" "$@"
