# gen-records.awk: N records of about 130 bytes, with nested objects that
# carry their own "type" keys and strings with escaped quotes, for
# bench/passthrough.  Deterministic: the same N gives the same bytes.
#   awk -v n=1000000 -f bench/gen-records.awk
BEGIN {
	split("sample test span metric artifact", kinds, " ")
	for (i = 1; i <= n; i++) {
		printf "{\"type\":\"%s\",\"name\":\"conv2d-%d\",\"value\":%d," \
		    "\"meta\":{\"type\":\"probe\",\"cpu\":{\"type\":\"rv64gc\"}," \
		    "\"tags\":[\"a\",\"b\\\"q\"]},\"seq\":%d}\n",
		    kinds[i % 5 + 1], i % 97, (i * 7919) % 1000003, i
	}
}
