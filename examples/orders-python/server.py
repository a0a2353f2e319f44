"""orders — the same small service as examples/orders-node, in Python with boto3.

Nothing in it knows about outage-lab: boto3 reads the endpoint, region and credentials the way
every AWS SDK does (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION, AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY) and its retry behaviour from its own settings (AWS_RETRY_MODE,
AWS_MAX_ATTEMPTS; botocore's default is the standard mode, 4 attempts for DynamoDB).

  GET  /orders/{customer}   the customer's latest 20 orders (a Query on the composite key)
  POST /orders              {"customer": "c1", "amount": 12}: a conditional put of a new order,
                            then a transaction that bumps the customer's order count
  GET  /health              200 once the process serves

ORDERS_NAIVE_RETRY=N turns the SDK's retries off (total_max_attempts 1) and retries each DynamoDB
call up to N more times at once, without backoff: the hand-written loop many services really have.
ORDERS_DYNAMODB_TIMEOUT_MS=T gives up on a DynamoDB attempt after T ms (botocore's read and connect
timeouts; a ReadTimeoutError is one the SDK retries), a latency budget.
"""
import json
import os
import re
import signal
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
from botocore.config import Config

ORDERS = os.environ.get("ORDERS_TABLE", "orders")
COUNTS = os.environ.get("COUNTS_TABLE", "order-counts")
NAIVE = int(os.environ.get("ORDERS_NAIVE_RETRY", "0"))
TIMEOUT_MS = int(os.environ.get("ORDERS_DYNAMODB_TIMEOUT_MS", "0"))
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = int(os.environ.get("PORT", "8080"))

# The SDK's own defaults unless the hand-written loop is on. A pool as large as the server's
# concurrency, so requests wait on DynamoDB, not on the pool.
config = Config(max_pool_connections=64)
if NAIVE > 0:
    config = config.merge(Config(retries={"total_max_attempts": 1}))
if TIMEOUT_MS > 0:
    config = config.merge(Config(read_timeout=TIMEOUT_MS / 1000, connect_timeout=TIMEOUT_MS / 1000))
db = boto3.client("dynamodb", config=config)


def call(op, **kwargs):
    attempt = 0
    while True:
        try:
            return getattr(db, op)(**kwargs)
        except Exception:
            if attempt >= NAIVE:
                raise
            attempt += 1


def list_orders(customer):
    out = call(
        "query",
        TableName=ORDERS,
        KeyConditionExpression="customer = :c",
        ExpressionAttributeValues={":c": {"S": customer}},
        ScanIndexForward=False,
        Limit=20,
    )
    return [{"order": i["order"]["S"], "amount": float(i.get("amount", {}).get("N", "0"))} for i in out.get("Items", [])]


def place_order(customer, amount):
    order = str(uuid.uuid4())
    call(
        "put_item",
        TableName=ORDERS,
        Item={"customer": {"S": customer}, "order": {"S": order}, "amount": {"N": str(amount)}},
        # `order` is a reserved word in DynamoDB's expressions: it goes through a placeholder.
        ConditionExpression="attribute_not_exists(#o)",
        ExpressionAttributeNames={"#o": "order"},
    )
    call(
        "transact_write_items",
        TransactItems=[
            {"ConditionCheck": {"TableName": ORDERS, "Key": {"customer": {"S": customer}, "order": {"S": order}}, "ConditionExpression": "attribute_exists(#o)", "ExpressionAttributeNames": {"#o": "order"}}},
            {"Update": {"TableName": COUNTS, "Key": {"customer": {"S": customer}}, "UpdateExpression": "SET placed = if_not_exists(placed, :zero) + :one", "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}}}},
        ],
    )
    return order


ORDERS_PATH = re.compile(r"^/orders/([^/]+)$")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send(self, status, body):
        text = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def answer(self, work):
        try:
            work()
        except Exception as err:  # what the SDK raised, as a responder would see it in the answers and logs
            print(f"orders: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
            self.send(503, {"error": f"{type(err).__name__}: {err}"})

    def do_GET(self):
        if self.path == "/health":
            return self.send(200, {"ok": True})
        m = ORDERS_PATH.match(self.path)
        if not m:
            return self.send(404, {"error": "not found"})
        self.answer(lambda: self.send(200, {"orders": list_orders(m.group(1))}))

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        if self.path != "/orders":
            return self.send(404, {"error": "not found"})
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self.send(400, {"error": "a JSON body"})
        if not isinstance(body.get("customer"), str) or not isinstance(body.get("amount"), (int, float)):
            return self.send(400, {"error": "customer (a string) and amount (a number)"})
        self.answer(lambda: self.send(201, {"order": place_order(body["customer"], body["amount"])}))

    def log_message(self, *args):  # one line per request would drown the log the lab keeps
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


server = Server((HOST, PORT), Handler)
signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
print(f"orders (python, boto3) listening on {HOST}:{PORT}" + (f", hand-written retry x{NAIVE}" if NAIVE else "") + (f", DynamoDB calls time out after {TIMEOUT_MS} ms" if TIMEOUT_MS else ""), flush=True)
server.serve_forever()
