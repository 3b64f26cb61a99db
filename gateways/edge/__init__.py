"""The edge both the JSON API (gateways/http) and the pages (gateways/web) stand on: who is calling, what each
handler is handed, how errors are answered, and the use cases both call."""
