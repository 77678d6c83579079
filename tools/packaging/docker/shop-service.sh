#!/bin/sh
# Entrypoint of the ShopGraph image: runs one service of the monorepo, chosen by $SERVICE
# (set from the image's SERVICE build argument; overridable at run time).
#
#   shop-service start    run the service in the foreground (default command of the image)
#   shop-service health   exit 0 when GET /readyz on the service's port answers 2xx (HEALTHCHECK)
#   shop-service dir      print the service's folder in the repository
#
# `start` runs the service's compiled bundle (`node dist/<service>.js` in /app, built by
# `pnpm bundle`) as the container's main process, so SIGTERM reaches the process that drains
# its server.
set -eu

service="${SERVICE:-gateway}"
case "$service" in
  gateway) dir=gateway default_port=4000 ;;
  user) dir=subgraphs/user default_port=4001 ;;
  product) dir=subgraphs/product default_port=4002 ;;
  cart) dir=subgraphs/cart default_port=4003 ;;
  order) dir=subgraphs/order default_port=4004 ;;
  payment) dir=subgraphs/payment default_port=4005 ;;
  notification) dir=subgraphs/notification default_port=4006 ;;
  analytics) dir=subgraphs/analytics default_port=4007 ;;
  *)
    echo "shop-service: unknown SERVICE '$service' (expected gateway, user, product, cart, order, payment, notification or analytics)" >&2
    exit 64
    ;;
esac

root="${SHOP_APP_ROOT:-/app}"
PORT="${PORT:-$default_port}"
export PORT

case "${1:-start}" in
  start)
    cd "$root"
    exec node "dist/$service.js"
    ;;
  health)
    exec node -e "fetch('http://127.0.0.1:$PORT/readyz',{signal:AbortSignal.timeout(2500)}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"
    ;;
  dir)
    echo "$dir"
    ;;
  *)
    echo "usage: shop-service [start|health|dir]" >&2
    exit 64
    ;;
esac
