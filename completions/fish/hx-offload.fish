# fish completion for hx-offload(1).

complete -c hx-offload -s l -l listen -r -F -a 'unix: tcp:127.0.0.1:0' -d 'The address to listen on'
complete -c hx-offload -s b -l backend -x -a 'cpu cuda' -d 'The backend that computes'
complete -c hx-offload -l ready-fd -x -d 'Write the address to this descriptor once listening'
complete -c hx-offload -l token-file -r -F -d 'Require the token in this file from clients'
complete -c hx-offload -l fault -x -a 'error= drop= truncate= latency= delay=' -d 'Inject faults'
complete -c hx-offload -l fault-seed -x -d 'The seed of the injected faults'
complete -c hx-offload -l max-frame -x -d 'The largest frame in bytes'
complete -c hx-offload -l hello-timeout -x -d 'Close a client without a hello after this many ms'
complete -c hx-offload -l frame-timeout -x -d 'Close a client whose frame is not whole after this many ms'
complete -c hx-offload -l spans -r -F -d 'Append a span record per request to this file'
complete -c hx-offload -s h -l help -d 'Show help and exit'
complete -c hx-offload -s V -l version -d 'Show the version and exit'
