/*
 * service — what app_load makes (struct app_service), for the files of app/
 * only; the edge sees it as opaque (app/app.h).
 */
#ifndef PERMIT_APP_SERVICE_H
#define PERMIT_APP_SERVICE_H

#include "core/config.h"
#include "crypto/keyring.h"

struct app_service {
	struct config cfg;
	struct keyring *keys;
};

#endif
