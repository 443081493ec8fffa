# fish completion for hx-release(1).

complete -c hx-release -s b -l baseline -r -F -d 'Compare with this golden baseline (file or git:REV)'
complete -c hx-release -l bootstrap -d 'Record the first golden baseline when there is none'
complete -c hx-release -l cpus -x -d 'Pin the tests to these CPUs'
complete -c hx-release -l fault -x -d 'hx-offload --fault for the GPU service'
complete -c hx-release -s h -l help -d 'Show help and exit'
complete -c hx-release -l manifest -r -F -d 'The pinned node manifest'
complete -c hx-release -s o -l output -x -a '(__fish_complete_directories)' -d 'Where the records and reports go'
complete -c hx-release -s p -l policy -r -F -d 'The policy'
complete -c hx-release -l profiles -x -a 'idle cpu memory io' -d 'The load profiles to run, comma-separated'
complete -c hx-release -l rt -x -d 'SCHED_FIFO priority of the tests'
complete -c hx-release -l samples -x -d 'Runs of the workload per profile'
complete -c hx-release -s t -l target -x -a 'riscv64-gcc riscv64-gcc-rvv riscv64-clang host' -d 'The toolchain'
