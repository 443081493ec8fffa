# fish completion for hx-gate(1).

complete -c hx-gate -s p -l policy -r -F -d 'The policy to apply'
complete -c hx-gate -s b -l baseline -r -F -a 'git git:' -d 'Compare timing with a baseline'
complete -c hx-gate -l target-branch -x -a '(git for-each-ref --format="%(refname:short)" refs/heads 2>/dev/null)' -d 'The branch for --baseline git'
complete -c hx-gate -l record-baseline -d 'Store the timing records as the git note of HEAD'
complete -c hx-gate -l bootstrap -d 'With --record-baseline: record the first baseline'
complete -c hx-gate -l junit -r -F -d 'Write a JUnit XML report'
complete -c hx-gate -l summary -r -F -d 'Write a Markdown summary'
complete -c hx-gate -l bundle -r -F -d 'Write a reproducible proof bundle'
complete -c hx-gate -s k -l keep-going -d 'Turn bad input into error records'
complete -c hx-gate -s q -l quiet -d 'Print no verdict on standard error'
complete -c hx-gate -s h -l help -d 'Show help and exit'
complete -c hx-gate -s V -l version -d 'Show the version and exit'
