// orders — the same small service as examples/orders-node, in Go with aws-sdk-go-v2.
//
// Nothing in it knows about outage-lab: the SDK reads the endpoint, region and credentials the
// way every AWS SDK does (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION, AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY) and its retry behaviour from its own settings (AWS_RETRY_MODE,
// AWS_MAX_ATTEMPTS; the SDK's default is the standard retryer, DynamoDB's client gives it 4 attempts
// from a 25 ms base).
//
//	GET  /orders/{customer}   the customer's latest 20 orders (a Query on the composite key)
//	POST /orders              {"customer": "c1", "amount": 12}: a conditional put of a new order,
//	                          then a transaction that bumps the customer's order count
//	GET  /health              200 once the process serves
//
// ORDERS_NAIVE_RETRY=N turns the SDK's retries off (aws.NopRetryer) and retries each DynamoDB call
// up to N more times at once, without backoff: the hand-written loop many services really have.
// ORDERS_DYNAMODB_TIMEOUT_MS=T gives up on a DynamoDB attempt after T ms (the SDK's HTTP client
// timeout; the SDK retries a timed-out attempt), a latency budget. ORDERS_RETRIES_PRE_2026=1 runs
// it on the SDK from before the 2026 retry update (pre2026.go).
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

var (
	ordersTable  = env("ORDERS_TABLE", "orders")
	countsTable  = env("COUNTS_TABLE", "order-counts")
	naive, _     = strconv.Atoi(env("ORDERS_NAIVE_RETRY", "0"))
	timeoutMs, _ = strconv.Atoi(env("ORDERS_DYNAMODB_TIMEOUT_MS", "0"))
)

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func s(v string) *types.AttributeValueMemberS { return &types.AttributeValueMemberS{Value: v} }
func n(v string) *types.AttributeValueMemberN { return &types.AttributeValueMemberN{Value: v} }

type orders struct{ db *dynamodb.Client }

// call runs one DynamoDB call, retried up to ORDERS_NAIVE_RETRY more times at once when the loop is on.
func call[T any](ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		out, err := f(ctx)
		if err == nil || attempt >= naive {
			return out, err
		}
	}
}

func (o orders) list(ctx context.Context, customer string) ([]map[string]any, error) {
	out, err := call(ctx, func(ctx context.Context) (*dynamodb.QueryOutput, error) {
		return o.db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(ordersTable),
			KeyConditionExpression:    aws.String("customer = :c"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":c": s(customer)},
			ScanIndexForward:          aws.Bool(false),
			Limit:                     aws.Int32(20),
		})
	})
	if err != nil {
		return nil, err
	}
	items := make([]map[string]any, 0, len(out.Items))
	for _, it := range out.Items {
		row := map[string]any{}
		if v, ok := it["order"].(*types.AttributeValueMemberS); ok {
			row["order"] = v.Value
		}
		if v, ok := it["amount"].(*types.AttributeValueMemberN); ok {
			row["amount"], _ = strconv.ParseFloat(v.Value, 64)
		}
		items = append(items, row)
	}
	return items, nil
}

func (o orders) place(ctx context.Context, customer string, amount float64) (string, error) {
	order := rand.Text()
	key := map[string]types.AttributeValue{"customer": s(customer), "order": s(order)}
	// `order` is a reserved word in DynamoDB's expressions: it goes through a placeholder.
	names := map[string]string{"#o": "order"}
	_, err := call(ctx, func(ctx context.Context) (*dynamodb.PutItemOutput, error) {
		return o.db.PutItem(ctx, &dynamodb.PutItemInput{
			TableName:                aws.String(ordersTable),
			Item:                     map[string]types.AttributeValue{"customer": s(customer), "order": s(order), "amount": n(strconv.FormatFloat(amount, 'f', -1, 64))},
			ConditionExpression:      aws.String("attribute_not_exists(#o)"),
			ExpressionAttributeNames: names,
		})
	})
	if err != nil {
		return "", err
	}
	_, err = call(ctx, func(ctx context.Context) (*dynamodb.TransactWriteItemsOutput, error) {
		return o.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{ConditionCheck: &types.ConditionCheck{TableName: aws.String(ordersTable), Key: key, ConditionExpression: aws.String("attribute_exists(#o)"), ExpressionAttributeNames: names}},
			{Update: &types.Update{
				TableName:                 aws.String(countsTable),
				Key:                       map[string]types.AttributeValue{"customer": s(customer)},
				UpdateExpression:          aws.String("SET placed = if_not_exists(placed, :zero) + :one"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":zero": n("0"), ":one": n("1")},
			}},
		}})
	})
	return order, err
}

func send(w http.ResponseWriter, status int, body any) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// failed answers 503 with what the SDK returned, as a responder would see it in the answers and logs.
func failed(w http.ResponseWriter, err error) {
	log.Printf("orders: %T: %v", err, err)
	send(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
}

func main() {
	log.SetFlags(0)
	reexecPre2026()
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatalf("orders: loading the AWS configuration: %v", err)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if naive > 0 {
			o.Retryer = aws.NopRetryer{}
		}
		if timeoutMs > 0 {
			o.HTTPClient = awshttp.NewBuildableClient().WithTimeout(time.Duration(timeoutMs) * time.Millisecond)
		}
	})
	svc := orders{db}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { send(w, 200, map[string]bool{"ok": true}) })
	mux.HandleFunc("GET /orders/{customer}", func(w http.ResponseWriter, r *http.Request) {
		items, err := svc.list(r.Context(), r.PathValue("customer"))
		if err != nil {
			failed(w, err)
			return
		}
		send(w, 200, map[string]any{"orders": items})
	})
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Customer *string  `json:"customer"`
			Amount   *float64 `json:"amount"`
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil || body.Customer == nil || body.Amount == nil {
			send(w, 400, map[string]string{"error": "customer (a string) and amount (a number)"})
			return
		}
		order, err := svc.place(r.Context(), *body.Customer, *body.Amount)
		if err != nil {
			failed(w, err)
			return
		}
		send(w, 201, map[string]string{"order": order})
	})

	addr := net.JoinHostPort(env("HOST", "127.0.0.1"), env("PORT", "8080"))
	server := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("orders: %v", err)
	}
	suffix := ""
	if naive > 0 {
		suffix = fmt.Sprintf(", hand-written retry x%d", naive)
	}
	log.Printf("orders (go, aws-sdk-go-v2 %s) listening on %s%s", aws.SDKVersion, addr, suffix)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = server.Shutdown(ctx)
	}()
	if err := server.Serve(ln); err != http.ErrServerClosed {
		log.Fatalf("orders: %v", err)
	}
}
