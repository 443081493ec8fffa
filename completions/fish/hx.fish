# fish completion for hx(1).
#
# Completes `hx', `hx doctor' and `hx init'.  For `hx TOOL ARG...' it hands over to
# the completion of hx-TOOL (the hx-TOOL.fish each tool installs beside
# this one); fish completes file names when there is none.

# Print the tool word of the command line being completed, if there is one:
# the first word after hx that is not an option.
function __hx_tool
    set -l words (commandline -opc)
    for word in $words[2..-1]
        if not string match -q -- '-*' $word
            echo $word
            return 0
        end
    end
    return 1
end

function __hx_needs_tool
    not __hx_tool >/dev/null
end

function __hx_tool_is
    set -l tool (__hx_tool)
    and test "$tool" = "$argv[1]"
end

# A tool other than doctor and init: the tool's own completion decides.
function __hx_delegates
    set -l tool (__hx_tool)
    or return 1
    test $tool != doctor
    and test $tool != init
    and not string match -q -- '*/*' $tool
end

# Complete `hx [OPTION]... TOOL ARG...' as `hx-TOOL ARG...'.
function __hx_complete_tool
    set -l words (commandline -opc)
    set -l index 2
    while test $index -le (count $words)
        and string match -q -- '-*' $words[$index]
        set index (math $index + 1)
    end
    set -l line (string escape -- hx-$words[$index] $words[(math $index + 1)..-1])
    complete -C (string join -- ' ' $line (commandline -ct))
end

complete -c hx -f

complete -c hx -n __hx_needs_tool -s h -l help -d 'Show help and exit'
complete -c hx -n __hx_needs_tool -s V -l version -d 'Show the version and exit'
complete -c hx -n __hx_needs_tool -s f -l file -r -F -d 'Run the lines of a script as the prompt would'
complete -c hx -n __hx_needs_tool -a build -d 'Cross-compile for riscv64 with a pinned toolchain'
complete -c hx -n __hx_needs_tool -a emu -d 'Run tests under QEMU user mode with instruction counts'
complete -c hx -n __hx_needs_tool -a offload -d 'Serve the tensor-offload protocol: the GPU service and its stub'
complete -c hx -n __hx_needs_tool -a sched -d 'Place hardware-in-the-loop jobs on labelled nodes'
complete -c hx -n __hx_needs_tool -a trace -d 'Record spans and counters; export OTLP, Perfetto, Prometheus'
complete -c hx -n __hx_needs_tool -a wcet -d 'Probabilistic WCET with extreme value theory'
complete -c hx -n __hx_needs_tool -a gate -d 'Apply a release policy; write reports and proof bundles'
complete -c hx -n __hx_needs_tool -a doctor -d 'Check this machine for what the pipeline needs'

complete -c hx -n '__hx_tool_is doctor' -s h -l help -d 'Show help and exit'
complete -c hx -n '__hx_tool_is doctor' -s q -l quiet -d 'Print no checklist'
complete -c hx -n '__hx_tool_is doctor' -l sysfs -x -a '(__fish_complete_directories)' -d 'Read frequencies and temperatures under DIR'

complete -c hx -n __hx_needs_tool -a init -d 'Write hx.json, a policy and CI files for a project'
complete -c hx -n __hx_needs_tool -a nightly -d 'Recipe B: the nightly hardware-in-the-loop run, end to end'
complete -c hx -n __hx_needs_tool -a release -d 'Recipe C: release gating across load profiles, with proof'
complete -c hx -n '__hx_tool_is init' -s h -l help -d 'Show help and exit'
complete -c hx -n '__hx_tool_is init' -s f -l force -d 'Replace files that exist'
complete -c hx -n '__hx_tool_is init' -s t -l target -x -a 'riscv64-gcc riscv64-clang host' -d 'Toolchain to build with'
complete -c hx -n '__hx_tool_is init' -x -a '(__fish_complete_directories)'

complete -c hx -n __hx_delegates -a '(__hx_complete_tool)'
