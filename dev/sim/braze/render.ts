// Rendering the campaign's push template (supabase/braze/match-push.liquid)
// the way Braze does at send time, with liquidjs and the two Braze tags the
// template uses: connected_content (a GET whose JSON answer is saved into a
// variable, cached per URL) and abort_message (the message is not sent).
// Each behaviour below cites the Braze page it follows; where the page is
// silent the simulator takes the reading that makes a duplicate or a lost
// push more likely, so the chaos run would see it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Context, Liquid, Tag, type TagToken, type Template, type TopLevelToken } from "liquidjs";

export const TEMPLATE_PATH = fileURLToPath(new URL("../../../supabase/braze/match-push.liquid", import.meta.url));
/** The template names the deployed guard; the simulator calls the one it was started with instead. */
export const GUARD_URL_PLACEHOLDER = "https://PROJECT_REF.supabase.co/functions/v1/braze-send-guard";
/** The Connected Content credential the template names (Settings, Connected Content in Braze). */
export const GUARD_CREDENTIAL = "braze_send_guard";
export const DEFAULT_GUARD_SECRET = "local-braze-guard-secret";

/**
 * "Braze requires the server to respond within two seconds"; an endpoint that
 * errors or times out renders as an empty string and the saved variable is null
 * (https://braze.com/docs/user_guide/messaging/design_and_edit/personalize/sources/rest_api/).
 */
const CONNECTED_CONTENT_TIMEOUT_MS = 2_000;
/**
 * GET answers are cached per URL for 5 minutes unless cache_max_age says
 * otherwise (at least 5 minutes, at most 4 hours); no_cache turns it off
 * (https://braze.com/docs/user_guide/personalization_and_dynamic_content/connected_content/caching_responses).
 * The page does not say whether error answers are cached: they are not here,
 * so every recipient after a failed ask asks again (the reading under which
 * one schedule's recipients can get different answers).
 */
const CACHE_DEFAULT_SECONDS = 300;
const CACHE_MIN_SECONDS = 300;
const CACHE_MAX_SECONDS = 4 * 3600;

export interface SendGuardOption {
  /** The served braze-send-guard function, e.g. http://127.0.0.1:54321/functions/v1/braze-send-guard */
  url: string;
  /** BRAZE_GUARD_SECRET: the password of the template's basic_auth credential. */
  secret: string;
}

export interface GuardAsk {
  at: string;
  url: string;
  /** Answered from the Connected Content cache, without a call. */
  cached: boolean;
  status?: number;
  /** Why the variable is null: a network error, a timeout, or a body that is not JSON. */
  error?: string;
  answer?: unknown;
}

export interface Recipient {
  /** Braze's language attribute, ${language} in the template. */
  language: string;
}

export interface RecipientRender {
  language: string;
  outcome: "sent" | "aborted" | "error";
  text?: string;
  reason?: string;
}

/** Thrown by abort_message; liquidjs wraps it in a RenderError. */
class MessageAborted extends Error {
  constructor(readonly reason: string) {
    super(`message aborted: ${reason}`);
  }
}

/** Connected Content answers by URL, on the simulator's clock. */
export class ConnectedContentCache {
  private entries = new Map<string, { expiresAtMs: number; value: unknown }>();
  get(url: string, nowMs: number): { value: unknown } | undefined {
    const hit = this.entries.get(url);
    if (!hit) return undefined;
    if (hit.expiresAtMs <= nowMs) {
      this.entries.delete(url);
      return undefined;
    }
    return { value: hit.value };
  }
  set(url: string, value: unknown, expiresAtMs: number): void {
    this.entries.set(url, { expiresAtMs, value });
  }
  clear(): void {
    this.entries.clear();
  }
}

interface RenderScope {
  guard: SendGuardOption;
  cache: ConnectedContentCache;
  nowMs: () => number;
  asks: GuardAsk[];
}

/**
 * Braze writes attribute and trigger-property references as ${name}
 * ({{${language}}}, {{api_trigger_properties.${home_team}}}:
 * https://braze.com/docs/api/objects_filters/trigger_properties_object/);
 * standard Liquid has no such syntax, so the reference becomes a plain name.
 */
export function brazeToLiquid(source: string): string {
  return source.replace(/\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g, "$1");
}

export class PushRenderer {
  private readonly liquid = new Liquid({ strictFilters: true });
  private readonly templates: Template[];

  constructor(private readonly scope: Omit<RenderScope, "asks">, source = readFileSync(TEMPLATE_PATH, "utf8")) {
    const guardUrl = scope.guard.url;
    // url_param_escape: Braze's filter for values put into a URL
    // (https://braze.com/docs/user_guide/messaging/design_and_edit/personalize/connected_content/making_an_api_call/).
    this.liquid.registerFilter("url_param_escape", (v: unknown) => encodeURIComponent(String(v ?? "")));
    this.liquid.registerTag("connected_content", connectedContentTag());
    this.liquid.registerTag("abort_message", abortMessageTag());
    this.templates = this.liquid.parse(brazeToLiquid(source.replaceAll(GUARD_URL_PLACEHOLDER, guardUrl)));
  }

  /** One recipient's message: sent with its text, or aborted with the reason. */
  async render(
    triggerProperties: Record<string, unknown>,
    recipient: Recipient,
  ): Promise<{ render: RecipientRender; asks: GuardAsk[] }> {
    const asks: GuardAsk[] = [];
    const globals = { __scope: { ...this.scope, asks } satisfies RenderScope };
    try {
      const text = await this.liquid.render(this.templates, {
        api_trigger_properties: triggerProperties,
        language: recipient.language,
      }, { globals });
      return { render: { language: recipient.language, outcome: "sent", text: String(text).trim() }, asks };
    } catch (e) {
      const aborted = findAbort(e);
      if (aborted) {
        return { render: { language: recipient.language, outcome: "aborted", reason: aborted.reason }, asks };
      }
      return { render: { language: recipient.language, outcome: "error", reason: (e as Error).message }, asks };
    }
  }
}

function findAbort(e: unknown): MessageAborted | undefined {
  for (let cur = e as { originalError?: unknown } | undefined; cur; cur = cur.originalError as typeof cur) {
    if (cur instanceof MessageAborted) return cur;
  }
  return undefined;
}

function scopeOf(ctx: Context): RenderScope {
  return (ctx.globals as { __scope: RenderScope }).__scope;
}

/**
 * {% connected_content <url> :save name :basic_auth credential [:cache_max_age s] [:no_cache] %}
 * (https://braze.com/docs/user_guide/messaging/design_and_edit/personalize/connected_content/making_an_api_call/).
 * The URL may hold Liquid output ({{ ... }}), rendered first.
 */
function connectedContentTag() {
  return class ConnectedContent extends Tag {
    private readonly url: Template[];
    private readonly options: Map<string, string | true>;

    constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
      super(token, remain, liquid);
      const args = token.args.trim();
      const at = args.search(/\s:[a-z_]+/);
      const urlPart = at === -1 ? args : args.slice(0, at);
      this.url = liquid.parse(urlPart.trim());
      this.options = new Map();
      for (const m of (at === -1 ? "" : args.slice(at)).matchAll(/:([a-z_]+)(?:\s+([^\s:][^\s]*))?/g)) {
        this.options.set(m[1]!, m[2] ?? true);
      }
    }

    *render(ctx: Context): Generator<unknown, void, unknown> {
      const scope = scopeOf(ctx);
      const url = String(yield this.liquid.renderer.renderTemplates(this.url, ctx)).trim();
      const value = yield ask(scope, url, this.options);
      const save = this.options.get("save");
      // Saved under its name (or "connected"), readable later in the same field
      // (https://braze.com/docs/user_guide/personalization_and_dynamic_content/connected_content/local_connected_content_variables/).
      ctx.bottom()[typeof save === "string" ? save : "connected"] = value;
    }
  };
}

async function ask(scope: RenderScope, url: string, options: Map<string, string | true>): Promise<unknown> {
  const now = scope.nowMs();
  const record: GuardAsk = { at: new Date(now).toISOString(), url, cached: false };
  scope.asks.push(record);
  const noCache = options.has("no_cache");
  const cached = noCache ? undefined : scope.cache.get(url, now);
  if (cached) {
    record.cached = true;
    record.answer = cached.value;
    return cached.value;
  }
  const headers: Record<string, string> = { accept: "application/json" };
  const credential = options.get("basic_auth");
  if (credential === GUARD_CREDENTIAL) {
    headers.authorization = `Basic ${Buffer.from(`braze:${scope.guard.secret}`).toString("base64")}`;
  }
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(CONNECTED_CONTENT_TIMEOUT_MS) });
    record.status = res.status;
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      record.error = "answer is not JSON";
      return null;
    }
    record.answer = body;
    // Braze adds the status to a saved JSON object as __http_status_code__.
    const saved = body !== null && typeof body === "object" ? { ...body, __http_status_code__: res.status } : body;
    if (res.ok && !noCache) {
      const asked = Number(options.get("cache_max_age"));
      const seconds = Number.isFinite(asked)
        ? Math.min(CACHE_MAX_SECONDS, Math.max(CACHE_MIN_SECONDS, asked))
        : CACHE_DEFAULT_SECONDS;
      scope.cache.set(url, saved, now + seconds * 1000);
    }
    return saved;
  } catch (e) {
    record.error = (e as Error).name === "TimeoutError" ? "timeout" : (e as Error).message;
    return null;
  }
}

/**
 * {% abort_message('reason') %}: the reason is a literal string
 * (https://braze.com/docs/user_guide/messaging/design_and_edit/personalize/connected_content/aborting_connected_content/).
 */
function abortMessageTag() {
  return class AbortMessage extends Tag {
    private readonly reason: string;
    constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
      super(token, remain, liquid);
      const m = token.args.trim().match(/^\(\s*(?:'([^']*)'|"([^"]*)")?\s*\)$/);
      if (!m) throw new Error(`abort_message takes ('reason') or (), got ${token.args}`);
      this.reason = m[1] ?? m[2] ?? "";
    }
    // deno-lint-ignore require-yield -- liquidjs calls a tag's render as a generator; this one only throws
    *render(): Generator<unknown, void, unknown> {
      throw new MessageAborted(this.reason);
    }
  };
}
