-- wrk script: POST a 10 KB body to /echo (bench workload "post-echo-10k").
wrk.method = "POST"
wrk.body = string.rep("x", 10240)
wrk.headers["Content-Type"] = "application/octet-stream"
