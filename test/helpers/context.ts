import { ContextEngine } from "../../src/core/context/context-engine";
import { writeFixture } from "./fixture";
import { indexFor } from "./index";

/** A fixture workspace, indexed, with a context engine over it. */
export async function engineFor(spec: string) {
  const fx = writeFixture(spec);
  const index = indexFor(fx.root);
  await index.build();
  const engine = new ContextEngine(index);
  engine.prepare();
  return {
    fx,
    index,
    engine,
    retrieval: engine.retrievalIndex!,
    cleanup: () => {
      engine.dispose();
      index.dispose();
      fx.cleanup();
    },
  };
}

/**
 * The file a span is shown under in a context text: the `## path` header nearest before its
 * `[id] ` header line. Undefined when the span is not in the text.
 */
export function fileOfSpan(text: string, id: string): string | undefined {
  const at = text.indexOf(`\n[${id}] `);
  if (at < 0) return undefined;
  const header = text.lastIndexOf("\n## ", at);
  return header < 0 ? undefined : text.slice(header + 4, text.indexOf("\n", header + 1));
}

/** A small billing service: the answer to "how are refunds computed" lives in refunds.py. */
export const SHOP = `
//- shop/refunds.py
from shop.money import round_cents
from shop.orders import load_order


def compute_refund(order_id, reason):
    """Refund the order total minus the restocking fee."""
    order = load_order(order_id)
    fee = restocking_fee(order)
    return round_cents(order.total - fee)


def restocking_fee(order):
    if order.category == "electronics":
        return order.total * 0.15
    return 0
//- shop/money.py
def round_cents(amount):
    return round(amount, 2)


def format_money(amount, currency="EUR"):
    return f"{amount:.2f} {currency}"
//- shop/orders.py
class Order:
    """A customer order."""

    def __init__(self, order_id, total, category):
        self.order_id = order_id
        self.total = total
        self.category = category


def load_order(order_id):
    return Order(order_id, 100.0, "electronics")
//- shop/shipping.py
def shipping_cost(weight_kg):
    """Parcels cost 5 plus 1.2 per kilogram."""
    return 5 + 1.2 * weight_kg


def delivery_days(country):
    return 2 if country == "DE" else 5
//- web/api.ts
export function handleRefundRequest(orderId: string): Promise<number> {
  return callPython("compute_refund", orderId);
}

function callPython(name: string, arg: string): Promise<number> {
  return fetch(\`/py/\${name}?arg=\${arg}\`).then((r) => r.json());
}
//- README.md
# Shop
Billing and shipping for the shop.
`;

/**
 * Six long report renderers, one file each (so no file's share stops them), that speak of report
 * totals on every line: they fill the room for full spans before a short definition ranked after
 * them. `header` opens each file (imports, say).
 */
export function reportRenderers(header = ""): string {
  return [1, 2, 3, 4, 5, 6]
    .map(
      (n) => `//- report/section_${n}.py
${header}def render_section_${n}(report, totals):
    """Render section ${n} of the report from its totals."""
${Array.from({ length: 26 }, (_, i) => `    totals_${i} = report.totals[${i}] + report.section_totals[${n}]  # report totals`).join("\n")}
    return totals_0
`,
    )
    .join("");
}
