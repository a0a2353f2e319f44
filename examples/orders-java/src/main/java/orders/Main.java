/*
 * orders — the same small service as examples/orders-node, in Java with the AWS SDK for Java 2.x.
 *
 * Nothing in it knows about outage-lab: the SDK reads the endpoint, region and credentials the way
 * every AWS SDK does (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION, AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY) and its retry behaviour from its own settings (AWS_RETRY_MODE,
 * AWS_MAX_ATTEMPTS; the default is the standard mode, DynamoDB's client gives it 4 attempts from a
 * 25 ms base).
 *
 *   GET  /orders/{customer}   the customer's latest 20 orders (a Query on the composite key)
 *   POST /orders              {"customer": "c1", "amount": 12}: a conditional put of a new order,
 *                             then a transaction that bumps the customer's order count
 *   GET  /health              200 once the process serves
 *
 * ORDERS_NAIVE_RETRY=N turns the SDK's retries off (a retry strategy of 1 attempt) and retries each
 * DynamoDB call up to N more times at once, without backoff: the hand-written loop many services
 * really have. ORDERS_DYNAMODB_TIMEOUT_MS=T gives up on a DynamoDB attempt after T ms (the SDK's
 * apiCallAttemptTimeout; the SDK retries a timed-out attempt), a latency budget. ORDERS_THREADS=N
 * serves requests on N threads (default 64): at most N DynamoDB calls are in flight.
 */
package orders;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.Update;

public final class Main {
  private static final String ORDERS = env("ORDERS_TABLE", "orders");
  private static final String COUNTS = env("COUNTS_TABLE", "order-counts");
  private static final int NAIVE = Integer.parseInt(env("ORDERS_NAIVE_RETRY", "0"));
  private static final int TIMEOUT_MS = Integer.parseInt(env("ORDERS_DYNAMODB_TIMEOUT_MS", "0"));
  private static final int THREADS = Integer.parseInt(env("ORDERS_THREADS", "64"));
  private static final Pattern ORDERS_PATH = Pattern.compile("^/orders/([^/]+)$");
  private static final Pattern CUSTOMER = Pattern.compile("\"customer\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern AMOUNT = Pattern.compile("\"amount\"\\s*:\\s*(-?[0-9.]+)");

  private static DynamoDbClient db;

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  private static AttributeValue s(String v) {
    return AttributeValue.builder().s(v).build();
  }

  private static AttributeValue n(String v) {
    return AttributeValue.builder().n(v).build();
  }

  /** One DynamoDB call, retried up to ORDERS_NAIVE_RETRY more times at once when the loop is on. */
  private static <T> T call(Supplier<T> f) {
    for (int attempt = 0; ; attempt++) {
      try {
        return f.get();
      } catch (RuntimeException e) {
        if (attempt >= NAIVE) throw e;
      }
    }
  }

  private static String listOrders(String customer) {
    var out = call(() -> db.query(QueryRequest.builder()
        .tableName(ORDERS)
        .keyConditionExpression("customer = :c")
        .expressionAttributeValues(Map.of(":c", s(customer)))
        .scanIndexForward(false)
        .limit(20)
        .build()));
    List<String> rows = new ArrayList<>();
    for (var item : out.items()) {
      String amount = item.containsKey("amount") ? item.get("amount").n() : "0";
      rows.add("{\"order\":\"" + item.get("order").s() + "\",\"amount\":" + amount + "}");
    }
    return "{\"orders\":[" + String.join(",", rows) + "]}";
  }

  private static String placeOrder(String customer, String amount) {
    String order = UUID.randomUUID().toString();
    // `order` is a reserved word in DynamoDB's expressions: it goes through a placeholder.
    Map<String, String> names = Map.of("#o", "order");
    call(() -> db.putItem(PutItemRequest.builder()
        .tableName(ORDERS)
        .item(Map.of("customer", s(customer), "order", s(order), "amount", n(amount)))
        .conditionExpression("attribute_not_exists(#o)")
        .expressionAttributeNames(names)
        .build()));
    call(() -> db.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
        TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
            .tableName(ORDERS)
            .key(Map.of("customer", s(customer), "order", s(order)))
            .conditionExpression("attribute_exists(#o)")
            .expressionAttributeNames(names)
            .build()).build(),
        TransactWriteItem.builder().update(Update.builder()
            .tableName(COUNTS)
            .key(Map.of("customer", s(customer)))
            .updateExpression("SET placed = if_not_exists(placed, :zero) + :one")
            .expressionAttributeValues(Map.of(":zero", n("0"), ":one", n("1")))
            .build()).build()).build()));
    return "{\"order\":\"" + order + "\"}";
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("content-type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
  }

  private static void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      Matcher m = ORDERS_PATH.matcher(path);
      if (method.equals("GET") && path.equals("/health")) {
        send(ex, 200, "{\"ok\":true}");
      } else if (method.equals("GET") && m.matches()) {
        send(ex, 200, listOrders(m.group(1)));
      } else if (method.equals("POST") && path.equals("/orders")) {
        String body;
        try (InputStream in = ex.getRequestBody()) {
          body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher c = CUSTOMER.matcher(body);
        Matcher a = AMOUNT.matcher(body);
        if (!c.find() || !a.find()) {
          send(ex, 400, "{\"error\":\"customer (a string) and amount (a number)\"}");
        } else {
          send(ex, 201, placeOrder(c.group(1), a.group(1)));
        }
      } else {
        send(ex, 404, "{\"error\":\"not found\"}");
      }
    } catch (RuntimeException e) {
      // What the SDK raised, as a responder would see it in this service's answers and logs.
      // The root cause first: the SDK's own message says "see cause" for the name that failed.
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      String what = e.getClass().getSimpleName() + (root == e ? "" : " (caused by " + root + ")") + ": " + e.getMessage();
      System.err.println("orders: " + what);
      send(ex, 503, "{\"error\":" + quote(what) + "}");
    }
  }

  /**
   * A JVM serves its first requests slowly (class loading, the JIT): like most Java services this
   * one warms up before it says it is ready, with reads of its own table (errors ignored).
   */
  private static void warmUp() {
    for (int i = 0; i < 200; i++) {
      try {
        listOrders("warm-up");
      } catch (RuntimeException e) {
        return;
      }
    }
  }

  public static void main(String[] args) throws IOException {
    var builder = DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
    builder.overrideConfiguration(o -> {
      if (NAIVE > 0) o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1));
      if (TIMEOUT_MS > 0) o.apiCallAttemptTimeout(Duration.ofMillis(TIMEOUT_MS));
    });
    db = builder.build();
    warmUp();
    String host = env("HOST", "127.0.0.1");
    int port = Integer.parseInt(env("PORT", "8080"));
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
    server.createContext("/", Main::handle);
    server.setExecutor(Executors.newFixedThreadPool(THREADS));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1)));
    server.start();
    System.out.println("orders (java, aws-sdk-java-v2) listening on " + host + ":" + port + (NAIVE > 0 ? ", hand-written retry x" + NAIVE : "") + (TIMEOUT_MS > 0 ? ", DynamoDB calls time out after " + TIMEOUT_MS + " ms" : ""));
  }
}
