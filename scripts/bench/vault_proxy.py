"""A TCP proxy in front of OpenBao for scripts/bench.sh: every request reaches
Vault LATENCY_MS later than it was sent, as if Vault were across a network
(answers come back at once, so one round trip costs LATENCY_MS), and every
HTTP request line is appended to LOG ("METHOD /v1/path"), so the benchmark
can count Vault requests per phase.

Usage: vault_proxy.py TARGET_PORT LATENCY_MS LOG PORT_FILE
"""
import asyncio
import re
import sys
import time

REQUEST_LINE = re.compile(rb"(GET|POST|PUT|DELETE|PATCH|LIST|HEAD) (/v1/[^ ?]*)\S* HTTP/1\.[01]\r\n")


async def pump(reader, writer, delay, log):
    """Copies reader to writer; each chunk is written `delay` seconds after it
    arrived (order kept), and request lines are logged when `log` is set."""
    queue = asyncio.Queue()
    pending = b""

    async def send():
        while True:
            due, chunk = await queue.get()
            if chunk is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(chunk)
            await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while chunk := await reader.read(65536):
            if log is not None:
                pending += chunk
                last = 0
                for m in REQUEST_LINE.finditer(pending):
                    log.write(f"{m.group(1).decode()} {m.group(2).decode()}\n")
                    last = m.end()
                log.flush()
                pending = pending[last:][-4096:]
            queue.put_nowait((time.monotonic() + delay, chunk))
    except ConnectionError:
        pass
    finally:
        queue.put_nowait((0, None))
        try:
            await sender
            writer.close()
        except ConnectionError:
            pass


async def main():
    target, millis, log_path, port_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    log = open(log_path, "a")

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pump(client_reader, server_writer, millis / 1000, log),
            pump(server_reader, client_writer, 0, None),
        )

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    with open(port_file, "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


asyncio.run(main())
