package dev.servercore.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReturnType;
import reactor.core.publisher.Flux;

/**
 * The cluster's Redis side: a few Lua scripts, each one atomic step (heartbeat and sweep, publish, bind, unbind,
 * find, join, leave). Every key of one cluster shares the hash tag {@code {name}}, so that the scripts also run on
 * Redis Cluster (all of a servercore cluster's keys live in one slot).
 *
 * <pre>
 * {name}:nodes           sorted set   node id -&gt; last heartbeat (ms): the nodes ever seen and not yet cleaned up
 * {name}:node:ID         string+TTL   "sessions,heartbeatMillis": the node is alive while this key exists
 * {name}:inbox:ID        stream       what other nodes send this node (group messages, commands, answers), MAXLEN ~
 * {name}:inseq:ID        counter      sequence number of the inbox's entries: a jump is a message lost to trimming
 * {name}:gn:GROUP        set          the nodes with local members of GROUP
 * {name}:ng:ID           set          the groups node ID has members in (for its cleanup)
 * {name}:bind            hash         application key -&gt; "ID|sessionId"
 * {name}:nb:ID           set          the keys node ID bound (for its cleanup)
 * </pre>
 */
final class RedisScripts {

	// Cleans up everything node `dead` owns; `p` is the key prefix. Shared by the sweep and the deregistration.
	private static final String CLEANUP = """
			local function cleanup(p, dead)
			  for _, g in ipairs(redis.call('SMEMBERS', p..'ng:'..dead)) do redis.call('SREM', p..'gn:'..g, dead) end
			  for _, k in ipairs(redis.call('SMEMBERS', p..'nb:'..dead)) do
			    local b = redis.call('HGET', p..'bind', k)
			    if b and string.sub(b, 1, #dead + 1) == dead..'|' then redis.call('HDEL', p..'bind', k) end
			  end
			  redis.call('DEL', p..'ng:'..dead, p..'nb:'..dead, p..'inbox:'..dead, p..'inseq:'..dead, p..'node:'..dead)
			  redis.call('ZREM', p..'nodes', dead)
			end
			local function send(p, to, maxlen, kind, name, from, req, data)
			  local s = redis.call('INCR', p..'inseq:'..to)
			  redis.call('XADD', p..'inbox:'..to, 'MAXLEN', '~', maxlen, '*', 's', s, 'k', kind, 'n', name, 'f', from, 'r', req, 'd', data)
			end
			""";

	/**
	 * ARGV: prefix, node id, ttl ms, now ms, info. Refreshes this node's heartbeat, cleans up nodes whose heartbeat
	 * expired, and answers "existed\n" (1 if this node was known, 0 if it was forgotten: first start, Redis restarted
	 * or the survivors cleaned it up) followed by one "id\tinfo\n" line per live node.
	 */
	static final Script HEARTBEAT = new Script(CLEANUP + """
			local p, me = ARGV[1], ARGV[2]
			local existed = redis.call('EXISTS', p..'node:'..me)
			redis.call('SET', p..'node:'..me, ARGV[5], 'PX', ARGV[3])
			redis.call('ZADD', p..'nodes', ARGV[4], me)
			local out = {tostring(existed)}
			for _, id in ipairs(redis.call('ZRANGE', p..'nodes', 0, -1)) do
			  local info = redis.call('GET', p..'node:'..id)
			  if info then out[#out + 1] = id..'\\t'..info else cleanup(p, id) end
			end
			return table.concat(out, '\\n')
			""");

	/** ARGV: prefix, node id. This node leaves the cluster: everything it owns goes at once. */
	static final Script DEREGISTER = new Script(CLEANUP + """
			cleanup(ARGV[1], ARGV[2])
			return 1
			""");

	/**
	 * ARGV: prefix, from, mode ('g' a group's nodes, 'a' all live nodes, 'n' one node), name (group, node id or
	 * key), maxlen, kind, request id, data. Appends one entry to the inbox of each target node other than the sender
	 * that is alive; answers how many.
	 */
	static final Script SEND = new Script(CLEANUP + """
			local p, from, mode, name = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
			local targets
			if mode == 'g' then targets = redis.call('SMEMBERS', p..'gn:'..name)
			elseif mode == 'a' then targets = redis.call('ZRANGE', p..'nodes', 0, -1)
			else targets = {name} end
			local n = 0
			for _, id in ipairs(targets) do
			  if id ~= from and redis.call('EXISTS', p..'node:'..id) == 1 then
			    send(p, id, ARGV[5], ARGV[6], name, from, ARGV[7], ARGV[8])
			    n = n + 1
			  end
			end
			return n
			""");

	/**
	 * ARGV: prefix, node id, key, session id, policy ('close-old', 'reject-new' or 'claim'), maxlen. Binds the key
	 * to the session. A binding held by another session of a live node is kept with 'reject-new' and 'claim'
	 * (answer "held\tID|sid"); with 'close-old' it is replaced and its node told to close that session with
	 * DUPLICATE_LOGIN (answer "replaced\tID|sid", the node does it itself when it is the old owner). A binding of a
	 * dead node counts as free. Answers "bound\t" otherwise.
	 */
	static final Script BIND = new Script(CLEANUP + """
			local p, me, key, sid, policy = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
			local val = me..'|'..sid
			local cur = redis.call('HGET', p..'bind', key)
			if cur == val then return 'bound\\t' end
			if cur then
			  local owner = string.match(cur, '^(.*)|')
			  if redis.call('EXISTS', p..'node:'..owner) == 0 then cur = false
			  elseif policy ~= 'close-old' then return 'held\\t'..cur end
			end
			redis.call('HSET', p..'bind', key, val)
			redis.call('SADD', p..'nb:'..me, key)
			if not cur then return 'bound\\t' end
			local owner, old = string.match(cur, '^(.*)|(.*)$')
			if owner ~= me then send(p, owner, ARGV[6], 'close', key, me, '0', old) end
			return 'replaced\\t'..cur
			""");

	/** ARGV: prefix, node id, key, session id. Removes the binding if it is still this session's. */
	static final Script UNBIND = new Script("""
			local p, me, key = ARGV[1], ARGV[2], ARGV[3]
			if redis.call('HGET', p..'bind', key) == me..'|'..ARGV[4] then redis.call('HDEL', p..'bind', key) end
			redis.call('SREM', p..'nb:'..me, key)
			return 1
			""");

	/** ARGV: prefix, key. Answers "ID|sid" of the binding if its node is alive, nothing otherwise. */
	static final Script FIND = new Script("""
			local p = ARGV[1]
			local cur = redis.call('HGET', p..'bind', ARGV[2])
			if not cur then return false end
			local owner = string.match(cur, '^(.*)|')
			if redis.call('EXISTS', p..'node:'..owner) == 0 then return false end
			return cur
			""");

	/** ARGV: prefix, node id, group. This node has local members of the group (again). */
	static final Script JOIN = new Script("""
			local p, me, g = ARGV[1], ARGV[2], ARGV[3]
			redis.call('SADD', p..'gn:'..g, me)
			redis.call('SADD', p..'ng:'..me, g)
			return 1
			""");

	/** ARGV: prefix, node id, group. This node has no local member of the group any more. */
	static final Script LEAVE = new Script("""
			local p, me, g = ARGV[1], ARGV[2], ARGV[3]
			redis.call('SREM', p..'gn:'..g, me)
			redis.call('SREM', p..'ng:'..me, g)
			return 1
			""");

	private RedisScripts() {
	}

	/**
	 * One Lua script, sent in full each time (EVAL; Redis caches the compiled script by its digest). Not EVALSHA
	 * with a fallback: after a Redis restart the fallback would let a later call overtake an earlier one, and
	 * publishes must keep their order.
	 */
	static final class Script {

		private static final byte[] NODES = "nodes".getBytes(StandardCharsets.UTF_8);

		private final ByteBuffer source;

		Script(String source) {
			this.source = ByteBuffer.wrap(source.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
		}

		/**
		 * Runs the script with these arguments (the first is the key prefix); answers its value (a string or a
		 * number) or nothing for nil. The cluster's node set is passed as the one declared key, so that Redis
		 * Cluster routes the script to the node owning the cluster's hash slot.
		 */
		Flux<Object> run(ReactiveRedisConnection connection, ReturnType type, ByteBuffer... args) {
			ByteBuffer[] keysAndArgs = new ByteBuffer[args.length + 1];
			ByteBuffer prefix = args[0].duplicate();
			ByteBuffer key = ByteBuffer.allocate(prefix.remaining() + NODES.length);
			key.put(prefix).put(NODES).flip();
			keysAndArgs[0] = key;
			for (int i = 0; i < args.length; i++) {
				keysAndArgs[i + 1] = args[i].duplicate();
			}
			return connection.scriptingCommands().eval(this.source.duplicate(), type, 1, keysAndArgs);
		}

	}

}
