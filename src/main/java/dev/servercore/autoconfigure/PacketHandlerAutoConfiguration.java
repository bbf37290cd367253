package dev.servercore.autoconfigure;

import dev.servercore.core.SessionHandler;
import dev.servercore.packet.JsonCodec;
import dev.servercore.packet.PacketCodec;
import dev.servercore.packet.PacketController;
import dev.servercore.packet.PacketDispatcher;
import dev.servercore.packet.PacketHandlerMethods;
import dev.servercore.packet.ProtobufCodec;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Typed packets: when the application has {@link PacketController @PacketController} beans, a
 * {@link PacketDispatcher} becomes the server's {@link SessionHandler} (in place of the echo), with the
 * Protocol Buffers and JSON codecs and any {@link PacketCodec} beans of the application (asked first).
 */
@AutoConfiguration(before = ServerCoreAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@EnableConfigurationProperties(ServerCoreProperties.class)
public final class PacketHandlerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(SessionHandler.class)
	@ConditionalOnBean(annotation = PacketController.class)
	PacketDispatcher packetDispatcher(ApplicationContext context, ServerCoreProperties properties,
			ObjectProvider<PacketCodec> codecs, ObjectProvider<MeterRegistry> registry) {
		return PacketHandlerMethods.dispatcher(context.getBeansWithAnnotation(PacketController.class),
				codecs.orderedStream().toList(), ServerCoreAutoConfiguration.packetFraming(properties),
				registry.getIfAvailable(), properties.getPacket().getTimingEvery());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.google.protobuf.Message")
	static class ProtobufCodecConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ProtobufCodec protobufPacketCodec() {
			return new ProtobufCodec();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JsonCodecConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JsonCodec jsonPacketCodec(ObjectProvider<JsonMapper> mapper) {
			return new JsonCodec(mapper.getIfAvailable(() -> JsonMapper.builder().build()));
		}

	}

}
