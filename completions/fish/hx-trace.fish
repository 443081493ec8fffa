# fish completion for hx-trace(1).

complete -c hx-trace -n '__fish_use_subcommand' -a run -d 'Run a command and write a span for it'
complete -c hx-trace -n '__fish_use_subcommand' -a gpu -d 'Write metric records of the GPUs'
complete -c hx-trace -s h -l help -d 'Show help and exit'
complete -c hx-trace -s k -l keep-going -d 'Turn bad input into error records'
complete -c hx-trace -s V -l version -d 'Show the version and exit'
complete -c hx-trace -l correlate -d 'Write a trace record per trace'
complete -c hx-trace -l samples -d 'Write a sample record after each span'
complete -c hx-trace -n '__fish_seen_subcommand_from run' -l name -x -d 'The span name'
complete -c hx-trace -n '__fish_seen_subcommand_from run' -l service -x -d 'The span service'
complete -c hx-trace -n '__fish_seen_subcommand_from run' -l spans -r -F -d 'Append the span record to a file'
complete -c hx-trace -n '__fish_seen_subcommand_from gpu' -l count -x -d 'Read the GPUs this many times'
complete -c hx-trace -n '__fish_seen_subcommand_from gpu' -l interval -x -d 'Milliseconds between readings'
