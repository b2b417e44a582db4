#!/bin/sh
# Parameters arrive on stdin in dotenv format (KEY='value' lines).
set -eu
while IFS='=' read -r key value; do
  value=${value#\'}
  value=${value%\'}
  case "$key" in
    channel) channel=$value ;;
    title) title=$value ;;
    body) body=$value ;;
    gateway_token) gateway_token=$value ;;
  esac
done
response=$(curl -fsS -X POST "https://notify.acme.example/v1/messages" \
  -H "Authorization: Bearer ${gateway_token:-}" \
  --data-urlencode "channel=${channel}" \
  --data-urlencode "title=${title}" \
  --data-urlencode "body=${body}")
printf '%s\n' "$response"
