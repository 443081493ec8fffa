#!/bin/sh
# hx-sched plan --emit k8s: a Job per job, a Deployment and a Service for
# the service of a split pair, Kueue's label and suspend; every manifest
# checked against the Kubernetes OpenAPI schemas with kubernetes-models'
# validate() and for unknown fields by k8s-check.js, whose check is
# shown to catch a typo'd field that validate() lets through.
. "$top_srcdir/tests/lib.sh"
require_program jq jq
require_oracle kubernetes-models

S="$FILES/sched"
CHECK="$top_srcdir/tests/sched/k8s-check.js"

test_expect_success 'the manifests of a plan' '
	hx-sched plan --inventory "$S/inventory.jsonl" --now 1 \
	    --emit k8s m <"$S/emit-jobs.jsonl" >out &&
	ls m >actual &&
	printf "%s\n" gpu-svc.deployment.json gpu-svc.secret.json \
	    gpu-svc.service.json matmul.job.json runner-1-cc2e0869.job.json unit-rv.job.json >want &&
	test_cmp want actual &&
	test "$(jq -r .type out | sort -u)" = placement
'

test_expect_success 'every manifest is valid, with no unknown field' '
	node "$CHECK" m >actual &&
	printf "%s\n" "gpu-svc.deployment.json: apps/v1 Deployment valid" \
	    "gpu-svc.secret.json: v1 Secret valid" \
	    "gpu-svc.service.json: v1 Service valid" \
	    "matmul.job.json: batch/v1 Job valid" \
	    "runner-1-cc2e0869.job.json: batch/v1 Job valid" \
	    "unit-rv.job.json: batch/v1 Job valid" >want &&
	test_cmp want actual
'

test_expect_success 'selectors: nodeSelector for =, affinity for the rest' '
	jq -c ".spec.template.spec.nodeSelector" m/unit-rv.job.json >actual &&
	echo "{\"isa\":\"rv64gcv\",\"kubernetes.io/arch\":\"riscv64\"}" >want &&
	test_cmp want actual &&
	jq -c ".spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions" \
	    m/matmul.job.json >actual &&
	echo "[{\"key\":\"nvidia.com/gpu.product\",\"operator\":\"NotIn\",\"values\":[\"a100\"]},{\"key\":\"nvlink\",\"operator\":\"Exists\"},{\"key\":\"driver\",\"operator\":\"In\",\"values\":[\"550.54.15\"]},{\"key\":\"infiniband\",\"operator\":\"DoesNotExist\"}]" >want &&
	test_cmp want actual &&
	jq -e ".spec.template.spec.containers[0].resources.limits ==
	    {\"cpu\":\"4\",\"nvidia.com/gpu\":\"4\"}" m/matmul.job.json &&
	jq -e ".spec.template.spec.containers[0].resources.limits ==
	    {\"cpu\":\"2\",\"memory\":\"1073741824\"}" m/unit-rv.job.json
'

test_expect_success 'a split pair: the runner reaches the service by name' '
	jq -e ".spec.ports[0].port == 7070 and
	    .spec.selector == {\"app.kubernetes.io/name\":\"gpu-svc\"}" m/gpu-svc.service.json &&
	jq -e ".spec.template.metadata.labels == {\"app.kubernetes.io/name\":\"gpu-svc\"}" \
	    m/gpu-svc.deployment.json &&
	jq -e ".spec.template.spec.containers[0].env ==
	    [{\"name\":\"HX_SERVICE_HOST\",\"value\":\"gpu-svc\"},
	     {\"name\":\"HX_SERVICE_PORT\",\"value\":\"7070\"},
	     {\"name\":\"HX_OFFLOAD\",\"value\":\"tcp:gpu-svc:7070\"},
	     {\"name\":\"HX_OFFLOAD_TOKEN\",\"valueFrom\":{\"secretKeyRef\":
	      {\"name\":\"gpu-svc-token\",\"key\":\"token\"}}}]" m/runner-1-cc2e0869.job.json &&
	jq -e ".metadata.annotations[\"hx-sched/job\"] == \"Runner_1\"" m/runner-1-cc2e0869.job.json
'

test_expect_success 'hx-offload listens on the Service port with the Secret token' '
	jq -e ".spec.template.spec | .containers[0] |
	    .command == [\"hx-offload\", \"--listen\", \"tcp:0.0.0.0:7070\",
	      \"--token-file\", \"/var/run/hx-offload/token\"] and
	    .ports[0].containerPort == 7070 and
	    .volumeMounts == [{\"name\":\"token\",
	      \"mountPath\":\"/var/run/hx-offload\",\"readOnly\":true}]" \
	    m/gpu-svc.deployment.json &&
	jq -e ".spec.template.spec.volumes ==
	    [{\"name\":\"token\",\"secret\":{\"secretName\":\"gpu-svc-token\"}}]" \
	    m/gpu-svc.deployment.json &&
	jq -e ".metadata.name == \"gpu-svc-token\" and
	    (.stringData.token | test(\"^[0-9a-f]{32}$\"))" m/gpu-svc.secret.json &&
	test "$(stat -c %a m/gpu-svc.secret.json)" = 600
'

test_expect_success 'no Kueue unless asked; with --kueue the label and suspend' '
	! jq -e ".spec.suspend" m/matmul.job.json &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now 1 \
	    --emit k8s q --kueue nightly <"$S/emit-jobs.jsonl" >out &&
	jq -e ".spec.suspend == true and
	    .metadata.labels[\"kueue.x-k8s.io/queue-name\"] == \"nightly\"" q/matmul.job.json &&
	jq -e ".metadata.labels[\"kueue.x-k8s.io/queue-name\"] == \"nightly\"" q/gpu-svc.deployment.json &&
	node "$CHECK" q
'

test_expect_success 'a colocated pair is pinned to its planned node' '
	jq -c ".placement = \"colocated\" | del(.arch) | if .role then .selector = [\"nvlink\"] else . end" \
	    "$S/emit-jobs.jsonl" | grep "\"group\"" >pair &&
	hx-sched plan --inventory "$S/inventory.jsonl" --now 1 --emit k8s c pair >out &&
	jq -e ".spec.template.spec.nodeSelector[\"kubernetes.io/hostname\"] == \"gpu1\"" c/runner-1-cc2e0869.job.json &&
	jq -e ".spec.template.spec.nodeSelector[\"kubernetes.io/hostname\"] == \"gpu1\"" c/gpu-svc.deployment.json &&
	node "$CHECK" c
'

test_expect_success 'the check catches a typo'"'"'d field that validate() lets through' '
	mkdir bad &&
	jq -c ".spec.template.spec.nodeSelectr = {} |
	    .spec.template.spec.containers[0].resources.limitz = {}" \
	    m/matmul.job.json >bad/typo.json &&
	test_status 1 node "$CHECK" bad >actual &&
	echo "typo.json: batch/v1 Job invalid: spec.template.spec.containers[0].resources.limitz; spec.template.spec.nodeSelectr" >want &&
	test_cmp want actual
'

test_expect_success 'and a value the schema refuses' '
	rm bad/typo.json &&
	jq -c ".spec.template.spec.containers[0].name = 3" m/matmul.job.json >bad/type.json &&
	test_status 1 node "$CHECK" bad >actual &&
	grep "^type.json: batch/v1 Job invalid: data/spec/template/spec/containers/0/name must be string$" actual
'

test_done
