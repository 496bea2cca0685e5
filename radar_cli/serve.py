"""One of several processes of a service (RADAR_PROCESSES): uvicorn on the service's port, which
the processes share through SO_REUSEPORT (the kernel spreads new connections over them), and on
a port of its own on 127.0.0.1, where the launcher asks this very process whether it is ready.

The shared socket is bound here, before the app starts, so a port taken by something else stops
the process at once; it listens only once the app has started, so no connection waits in the
queue of a process that is still starting. Served as `radar up` serves a single process: uvloop,
no access log (the radar keeps no client addresses), proxy headers left to the gateway.

Run: python -m radar_cli.serve radar_<service>.main:create_app --host H --port P --own-port Q
"""

from __future__ import annotations

import argparse
import logging
import socket

import uvicorn

log = logging.getLogger("uvicorn.error")


def bound_socket(host: str, port: int, *, shared: bool) -> socket.socket:
    """A TCP socket bound to host:port, not yet listening; `shared`: with SO_REUSEPORT."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def server_config(app: str, *, host: str, port: int) -> uvicorn.Config:
    """The settings `radar up` gives a single uvicorn process on its command line."""
    return uvicorn.Config(
        app, factory=True, host=host, port=port, loop="uvloop", access_log=False, proxy_headers=False
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", help="the app factory, module:function")
    parser.add_argument("--host", required=True, help="the address of the service's shared port")
    parser.add_argument("--port", type=int, required=True, help="the service's port, shared")
    parser.add_argument("--own-port", type=int, required=True, help="this process's own port on 127.0.0.1")
    args = parser.parse_args(argv)
    config = server_config(args.app, host=args.host, port=args.port)
    sockets = [
        bound_socket(args.host, args.port, shared=True),
        bound_socket("127.0.0.1", args.own_port, shared=False),
    ]
    log.info("serving on %s:%d (shared) and 127.0.0.1:%d (own)", args.host, args.port, args.own_port)
    uvicorn.Server(config).run(sockets=sockets)


if __name__ == "__main__":
    main()
