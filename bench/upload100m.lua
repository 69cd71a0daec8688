-- wrk script: POST 100 MiB to /upload (bench workload "upload-100m"); one connection.
wrk.method = "POST"
wrk.body = string.rep("u", 100 * 1024 * 1024)
wrk.headers["Content-Type"] = "application/octet-stream"
