package dev.servercore.packet;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import dev.servercore.core.PacketFraming;
import dev.servercore.core.Session;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Mono;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds the {@link PacketHandler @PacketHandler} and {@link UnknownPacketHandler @UnknownPacketHandler} methods
 * of the controllers at start-up, checks them, and resolves each into a route of a {@link PacketDispatcher}:
 * a message id, a reader, a method handle and a reply encoder. Every mistake fails start-up with a message
 * that names the method and the type.
 */
public final class PacketHandlerMethods {

	/** Name of the counter of packets handled, tagged {@code id} (a declared id, or {@code unknown}). */
	public static final String METER_NAME = "servercore.packets.handled";

	/**
	 * Name of the timer of the handler methods, tagged {@code id}, recorded for one packet in
	 * {@code servercore.packet.timing-every}.
	 */
	public static final String TIMER_NAME = "servercore.packets.handler.time";

	/** Default for timing one packet in this many: 64. */
	public static final int DEFAULT_TIMING_EVERY = 64;

	/** Largest message id a handler may declare: routes are an array indexed by id. */
	public static final int MAX_ID = (1 << 20) - 1;

	// Every route is called through one shape: (Session, int id, Object message, ByteBuf payload) -> Object.
	private static final MethodType ROUTE_TYPE = MethodType.methodType(Object.class, Session.class, int.class,
			Object.class, ByteBuf.class);

	private final PacketFraming framing;

	private final List<PacketCodec> codecs;

	private final MeterRegistry registry;

	private final PacketRoute.Timing timing;

	private PacketHandlerMethods(PacketFraming framing, List<PacketCodec> codecs, MeterRegistry registry,
			PacketRoute.Timing timing) {
		this.framing = framing;
		this.codecs = codecs;
		this.registry = registry;
		this.timing = timing;
	}

	/**
	 * Builds the dispatcher for the given controllers.
	 * @param controllers the {@link PacketController @PacketController} beans by name
	 * @param codecs the codecs, in the order they are asked
	 * @param framing the framing, with a message id field
	 * @param registry where to register the handler counters and timers, or {@code null} for none
	 * @return the dispatcher
	 * @throws IllegalStateException if a handler method is not valid, naming the method
	 */
	public static PacketDispatcher dispatcher(Map<String, Object> controllers, List<PacketCodec> codecs,
			PacketFraming framing, MeterRegistry registry) {
		return dispatcher(controllers, codecs, framing, registry, DEFAULT_TIMING_EVERY);
	}

	/**
	 * Builds the dispatcher for the given controllers.
	 * @param controllers the {@link PacketController @PacketController} beans by name
	 * @param codecs the codecs, in the order they are asked
	 * @param framing the framing, with a message id field
	 * @param registry where to register the handler counters and timers, or {@code null} for none
	 * @param timingEvery time one packet in this many of each session (1: every packet, 0: none); every packet
	 * is counted
	 * @return the dispatcher
	 * @throws IllegalStateException if a handler method is not valid, naming the method
	 */
	public static PacketDispatcher dispatcher(Map<String, Object> controllers, List<PacketCodec> codecs,
			PacketFraming framing, MeterRegistry registry, int timingEvery) {
		if (framing.idFieldBytes() == 0) {
			throw new IllegalStateException("@PacketController beans " + controllers.keySet()
					+ " need a message id in the packet header: set servercore.framing=length-prefixed and "
					+ "servercore.packet.id-field-bytes=2 or 4");
		}
		if (timingEvery < 0) {
			throw new IllegalStateException("servercore.packet.timing-every must be 0 or more, was " + timingEvery);
		}
		return new PacketHandlerMethods(framing, codecs, registry, new PacketRoute.Timing(timingEvery))
			.build(controllers);
	}

	private PacketDispatcher build(Map<String, Object> controllers) {
		TreeMap<Integer, PacketRoute> routes = new TreeMap<>();
		PacketRoute unknown = null;
		boolean async = false;
		int maxId = (this.framing.idFieldBytes() == 2) ? 0xFFFF : MAX_ID;
		for (Object bean : controllers.values()) {
			Class<?> type = AopUtils.getTargetClass(bean);
			Map<Method, PacketHandler> handlers = MethodIntrospector.selectMethods(type,
					(MethodIntrospector.MetadataLookup<PacketHandler>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, PacketHandler.class));
			for (Map.Entry<Method, PacketHandler> entry : sorted(handlers)) {
				Method method = entry.getKey();
				Handler handler = handler(type, method, entry.getValue().id(), maxId);
				PacketRoute previous = routes.get(handler.id);
				if (previous != null) {
					throw new IllegalStateException("Message id " + handler.id + " has two @PacketHandler methods: "
							+ previous.method() + " and " + handler.name);
				}
				routes.put(handler.id, route(bean, method, handler, meters(String.valueOf(handler.id))));
				async |= handler.async;
			}
			Map<Method, UnknownPacketHandler> fallbacks = MethodIntrospector.selectMethods(type,
					(MethodIntrospector.MetadataLookup<UnknownPacketHandler>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, UnknownPacketHandler.class));
			for (Method method : sorted(fallbacks).stream().map(Map.Entry::getKey).toList()) {
				Handler handler = fallback(type, method);
				if (unknown != null) {
					throw new IllegalStateException("Two @UnknownPacketHandler methods: " + unknown.method() + " and "
							+ handler.name + "; keep one");
				}
				unknown = route(bean, method, handler, null);
				async |= handler.async;
			}
		}
		PacketRoute.Meters unknownMeters = meters("unknown");
		if (unknown != null) {
			unknown = new PacketRoute(unknown.invoker(), null, unknown.reply(), unknownMeters, unknown.method());
		}
		PacketRoute[] table = new PacketRoute[routes.isEmpty() ? 0 : routes.lastKey() + 1];
		routes.forEach((id, route) -> table[id] = route);
		return new PacketDispatcher(this.framing, table, unknown, unknownMeters, async);
	}

	private static <A> List<Map.Entry<Method, A>> sorted(Map<Method, A> methods) {
		// Stable messages whatever order reflection lists methods in.
		return methods.entrySet().stream().sorted((a, b) -> a.getKey().toString().compareTo(b.getKey().toString()))
			.collect(Collectors.toList());
	}

	private Handler handler(Class<?> type, Method method, int declaredId, int maxId) {
		String name = describe(type, method);
		Handler handler = new Handler(name);
		Class<?>[] parameters = method.getParameterTypes();
		handler.reorder = new int[parameters.length];
		Class<?> messageType = null;
		for (int i = 0; i < parameters.length; i++) {
			Class<?> parameter = parameters[i];
			if (parameter == Session.class) {
				handler.reorder[i] = once(handler, 0, name, "Session");
			}
			else if (parameter == ByteBuf.class) {
				handler.reorder[i] = once(handler, 3, name, "ByteBuf");
			}
			else {
				if (messageType != null) {
					throw new IllegalStateException(name + " takes two messages (" + messageType.getSimpleName()
							+ " and " + parameter.getSimpleName() + "); a @PacketHandler takes at most one");
				}
				messageType = parameter;
				handler.reader = reader(parameter, name);
				handler.reorder[i] = 2;
			}
		}
		int id = declaredId;
		if (messageType != null) {
			OptionalInt typeId = messageId(messageType);
			if (typeId.isPresent() && id != PacketHandler.FROM_MESSAGE_TYPE && id != typeId.getAsInt()) {
				throw new IllegalStateException(name + " declares id " + id + " but its message type "
						+ messageType.getSimpleName() + " has id " + typeId.getAsInt() + "; declare the id once");
			}
			if (id == PacketHandler.FROM_MESSAGE_TYPE && typeId.isPresent()) {
				id = typeId.getAsInt();
			}
		}
		if (id == PacketHandler.FROM_MESSAGE_TYPE) {
			throw new IllegalStateException(name + " has no message id: give @PacketHandler(id = ...)"
					+ ((messageType != null) ? " or declare one on " + messageType.getSimpleName()
							+ " (option (servercore.packet_id) in its .proto, or @PacketMessage)" : ""));
		}
		if (id < 0 || id > maxId) {
			throw new IllegalStateException(name + " handles message id " + id + ", outside 0.." + maxId + " for "
					+ "servercore.packet.id-field-bytes=" + this.framing.idFieldBytes());
		}
		handler.id = id;
		replyOf(method, handler);
		return handler;
	}

	private Handler fallback(Class<?> type, Method method) {
		String name = describe(type, method);
		Handler handler = new Handler(name);
		Class<?>[] parameters = method.getParameterTypes();
		handler.reorder = new int[parameters.length];
		for (int i = 0; i < parameters.length; i++) {
			Class<?> parameter = parameters[i];
			if (parameter == Session.class) {
				handler.reorder[i] = once(handler, 0, name, "Session");
			}
			else if (parameter == int.class) {
				handler.reorder[i] = once(handler, 1, name, "int id");
			}
			else if (parameter == ByteBuf.class) {
				handler.reorder[i] = once(handler, 3, name, "ByteBuf");
			}
			else {
				throw new IllegalStateException(name + ": an @UnknownPacketHandler takes a Session, an int id and a "
						+ "ByteBuf payload, not " + parameter.getSimpleName());
			}
		}
		replyOf(method, handler);
		return handler;
	}

	private static int once(Handler handler, int position, String name, String what) {
		if (handler.seen[position]) {
			throw new IllegalStateException(name + " takes two " + what + " parameters");
		}
		handler.seen[position] = true;
		return position;
	}

	private void replyOf(Method method, Handler handler) {
		ResolvableType returnType = ResolvableType.forMethodReturnType(method);
		Class<?> raw = returnType.toClass();
		Class<?> replyType = raw;
		if (Mono.class.isAssignableFrom(raw) || CompletionStage.class.isAssignableFrom(raw)) {
			handler.async = true;
			replyType = returnType.as(Mono.class.isAssignableFrom(raw) ? Mono.class : CompletionStage.class)
				.getGeneric(0)
				.resolve();
			if (replyType == null || replyType == Object.class) {
				throw new IllegalStateException(handler.name + " returns " + returnType
						+ ": name the reply type, for example Mono<LoginResult>");
			}
		}
		if (replyType == void.class || replyType == Void.class) {
			handler.reply = ReplyEncoder.NONE;
			return;
		}
		if (replyType == ByteBuf.class) {
			handler.reply = ReplyEncoder.raw(this.framing);
			return;
		}
		PacketCodec.MessageWriter<?> writer = null;
		for (PacketCodec codec : this.codecs) {
			writer = codec.writer(replyType);
			if (writer != null) {
				break;
			}
		}
		if (writer == null) {
			throw new IllegalStateException(handler.name + " replies with " + replyType.getName()
					+ ", which no PacketCodec writes; use a generated Protocol Buffers class, a @PacketMessage type, "
					+ "a ByteBuf, or declare a PacketCodec bean for it");
		}
		OptionalInt id = messageId(replyType);
		if (id.isEmpty()) {
			throw new IllegalStateException(handler.name + " replies with " + replyType.getSimpleName()
					+ ", which has no message id: declare option (servercore.packet_id) in its .proto, or @PacketMessage");
		}
		handler.reply = ReplyEncoder.typed(this.framing, id.getAsInt(), writer);
	}

	private PacketCodec.MessageReader<?> reader(Class<?> type, String name) {
		for (PacketCodec codec : this.codecs) {
			PacketCodec.MessageReader<?> reader = codec.reader(type);
			if (reader != null) {
				return reader;
			}
		}
		throw new IllegalStateException(name + " takes a " + type.getName() + ", which no PacketCodec reads ("
				+ this.codecs.stream().map((codec) -> codec.getClass().getSimpleName()).toList()
				+ "); take a generated Protocol Buffers class, a @PacketMessage type (JSON), a ByteBuf, "
				+ "or declare a PacketCodec bean for it");
	}

	private OptionalInt messageId(Class<?> type) {
		PacketMessage annotation = type.getAnnotation(PacketMessage.class);
		if (annotation != null) {
			return OptionalInt.of(annotation.id());
		}
		for (PacketCodec codec : this.codecs) {
			OptionalInt id = codec.declaredId(type);
			if (id.isPresent()) {
				return id;
			}
		}
		return OptionalInt.empty();
	}

	private PacketRoute route(Object bean, Method declared, Handler handler, PacketRoute.Meters meters) {
		Method method = AopUtils.selectInvocableMethod(declared, bean.getClass());
		MethodHandle target;
		try {
			method.setAccessible(true);
			target = MethodHandles.lookup().unreflect(method).bindTo(bean);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new IllegalStateException(handler.name + " cannot be called: " + ex.getMessage(), ex);
		}
		// Give every parameter its slot's type, return Object (null for void), then spread the slots.
		Class<?>[] slotTypes = new Class<?>[handler.reorder.length];
		for (int i = 0; i < slotTypes.length; i++) {
			slotTypes[i] = ROUTE_TYPE.parameterType(handler.reorder[i]);
		}
		MethodHandle shaped = target.asType(MethodType.methodType(Object.class, slotTypes));
		MethodHandle invoker = MethodHandles.permuteArguments(shaped, ROUTE_TYPE, handler.reorder);
		return new PacketRoute(invoker, handler.reader, handler.reply, meters, handler.name);
	}

	private PacketRoute.Meters meters(String id) {
		if (this.registry == null) {
			return null;
		}
		Counter handled = Counter.builder(METER_NAME)
			.description("Packets handled, by message id ('unknown' for ids without a handler)")
			.tag("id", id)
			.register(this.registry);
		Timer timer = Timer.builder(TIMER_NAME)
			.description("Time @PacketHandler methods took, by message id, measured on one packet in "
					+ "servercore.packet.timing-every of each session")
			.tag("id", id)
			.register(this.registry);
		return new PacketRoute.Meters(handled, timer, this.timing);
	}

	private static String describe(Class<?> type, Method method) {
		return type.getSimpleName() + "#" + method.getName() + "("
				+ Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
				+ ")";
	}

	/** What was found out about one handler method. */
	private static final class Handler {

		final String name;

		final boolean[] seen = new boolean[4];

		int[] reorder;

		int id;

		PacketCodec.MessageReader<?> reader;

		ReplyEncoder reply;

		boolean async;

		Handler(String name) {
			this.name = name;
		}

	}

}
