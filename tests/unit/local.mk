# tests/unit: (nothing yet)

# ---- client helper: sample, gotime, shm, sock (core) and reply (client) ----
CLIENT_UNIT_TESTS = tests/unit/test_sample tests/unit/test_gotime \
	tests/unit/test_shm tests/unit/test_sock
check_PROGRAMS += $(CLIENT_UNIT_TESTS)
TESTS += $(CLIENT_UNIT_TESTS)
CLIENT_UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
CLIENT_UNIT_LIBS = $(WEBNTP_LIB_LIBS) $(CHECK_LIBS)
tests_unit_test_sample_CFLAGS = $(CLIENT_UNIT_CFLAGS)
tests_unit_test_sample_LDADD = $(CLIENT_UNIT_LIBS)
tests_unit_test_gotime_CFLAGS = $(CLIENT_UNIT_CFLAGS)
tests_unit_test_gotime_LDADD = $(CLIENT_UNIT_LIBS)
tests_unit_test_shm_CFLAGS = $(CLIENT_UNIT_CFLAGS)
tests_unit_test_shm_LDADD = $(CLIENT_UNIT_LIBS)
tests_unit_test_sock_CFLAGS = $(CLIENT_UNIT_CFLAGS)
tests_unit_test_sock_LDADD = $(CLIENT_UNIT_LIBS)
if ENABLE_CLIENT
check_PROGRAMS += tests/unit/test_reply
TESTS += tests/unit/test_reply
endif
tests_unit_test_reply_CFLAGS = $(CLIENT_UNIT_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_reply_LDADD = $(CLIENT_UNIT_LIBS)
# ---- end of the client helper's block ----
