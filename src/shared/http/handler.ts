// The common shell of every edge function: method check, error mapping.
import { errorResponse, MethodNotAllowedError } from "./respond.ts";

export function postHandler(handle: (req: Request) => Promise<Response>): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      if (req.method !== "POST") throw new MethodNotAllowedError(`${req.method} is not allowed; use POST`);
      return await handle(req);
    } catch (e) {
      return errorResponse(e);
    }
  };
}
