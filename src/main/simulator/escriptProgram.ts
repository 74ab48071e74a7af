/**
 * An agent's escript, as ECHO's agents behave (apps/<role>/lib/<role>/cli.ex):
 * - with `--autonomous` first it ignores stdin and sleeps forever; SIGTERM
 *   (the VM's `init:stop`) or SIGKILL ends it;
 * - without it (MCP mode) it reads stdin and ends when stdin ends.
 * It holds `megabytes` MB in one binary written in full, so the pages are
 * resident, kept alive by the loop that carries it.
 *
 * No `%%! -noinput`: a VM started with it never sees its stdin end, and the
 * MCP form must. Without it, a VM that does not read stdin is not ended by
 * stdin ending either, which is the autonomous form's rule.
 */
export function escriptProgram(role: string, megabytes: number): string {
  return `#!/usr/bin/env escript
%% A simulated ECHO agent (${role}), written by Delegator Monitor's simulator.
main(Args) ->
    Held = binary:copy(<<16#5a>>, ${String(Math.round(megabytes))} * 1048576),
    case Args of
        ["--autonomous" | _] -> sleep(Held);
        _ -> serve(Held)
    end.

sleep(Held) ->
    receive never -> sleep(Held) end.

serve(Held) ->
    case io:get_line(standard_io, "") of
        eof -> halt(0);
        {error, _} -> halt(0);
        _ -> serve(Held)
    end.
`;
}
