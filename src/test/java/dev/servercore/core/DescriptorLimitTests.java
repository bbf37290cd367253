package dev.servercore.core;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DescriptorLimit}: a session limit that leaves less than the headroom under the open-file
 * limit is lowered with a warning naming the settings; one that fits is kept; a limit that cannot hold the
 * headroom fails; this JVM's limit is read.
 */
@ExtendWith(OutputCaptureExtension.class)
class DescriptorLimitTests {

	@Test
	void aSessionLimitAboveTheOpenFileLimitMinusTheHeadroomIsLoweredWithAWarning(CapturedOutput output) {
		assertThat(DescriptorLimit.fit(10_000, 256, OptionalLong.of(1024))).isEqualTo(768);
		assertThat(output).contains("servercore.limits.max-sessions (10000) lowered to 768: the open-file limit is 1024 "
				+ "(ulimit -n)").contains("servercore.limits.descriptor-headroom");
		assertThat(DescriptorLimit.fit(0, 256, OptionalLong.of(1024))).as("no limit").isEqualTo(768);
	}

	@Test
	void aSessionLimitThatFitsIsKept(CapturedOutput output) {
		assertThat(DescriptorLimit.fit(10_000, 256, OptionalLong.of(20_000))).isEqualTo(10_000);
		assertThat(DescriptorLimit.fit(10_000, 256, OptionalLong.empty())).isEqualTo(10_000);
		assertThat(output).doesNotContain("lowered");
	}

	@Test
	void anOpenFileLimitBelowTheHeadroomFailsNamingTheSetting() {
		assertThatIllegalStateException().isThrownBy(() -> DescriptorLimit.fit(100, 256, OptionalLong.of(200)))
			.withMessageContaining("servercore.limits.descriptor-headroom (256)")
			.withMessageContaining("ulimit -n");
	}

	@Test
	void readsThisProcesssOpenFileLimit() {
		assertThat(DescriptorLimit.processLimit()).isPresent();
		assertThat(DescriptorLimit.processLimit().getAsLong()).isPositive();
	}

}
