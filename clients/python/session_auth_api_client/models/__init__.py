"""Contains all the data models used in inputs/outputs"""

from .bulk_revoke_input_request import BulkRevokeInputRequest
from .cookie_check_output import CookieCheckOutput
from .csrf_output import CsrfOutput
from .data_item import DataItem
from .data_output import DataOutput
from .data_output_data import DataOutputData
from .data_value_input_request import DataValueInputRequest
from .deleted import Deleted
from .device import Device
from .engine_enum import EngineEnum
from .error import Error
from .error_fields import ErrorFields
from .expiry_input_request import ExpiryInputRequest
from .expiry_output import ExpiryOutput
from .health import Health
from .health_checks import HealthChecks
from .health_status_enum import HealthStatusEnum
from .login_input_request import LoginInputRequest
from .login_output import LoginOutput
from .password_change_input_request import PasswordChangeInputRequest
from .patched_session_name_input_request import PatchedSessionNameInputRequest
from .policy_enum import PolicyEnum
from .reauthenticate import Reauthenticate
from .reauthenticate_input_request import ReauthenticateInputRequest
from .register_input_request import RegisterInputRequest
from .register_output import RegisterOutput
from .revoked import Revoked
from .session_info import SessionInfo
from .session_output import SessionOutput
from .staff_session import StaffSession
from .staff_session_list import StaffSessionList
from .step_up_error import StepUpError
from .step_up_error_fields import StepUpErrorFields
from .transport_enum import TransportEnum
from .unavailable import Unavailable
from .unavailable_checks import UnavailableChecks
from .unavailable_fields import UnavailableFields
from .unavailable_status_enum import UnavailableStatusEnum
from .user import User
from .user_session import UserSession
from .user_session_list import UserSessionList

__all__ = (
    "BulkRevokeInputRequest",
    "CookieCheckOutput",
    "CsrfOutput",
    "DataItem",
    "DataOutput",
    "DataOutputData",
    "DataValueInputRequest",
    "Deleted",
    "Device",
    "EngineEnum",
    "Error",
    "ErrorFields",
    "ExpiryInputRequest",
    "ExpiryOutput",
    "Health",
    "HealthChecks",
    "HealthStatusEnum",
    "LoginInputRequest",
    "LoginOutput",
    "PasswordChangeInputRequest",
    "PatchedSessionNameInputRequest",
    "PolicyEnum",
    "Reauthenticate",
    "ReauthenticateInputRequest",
    "RegisterInputRequest",
    "RegisterOutput",
    "Revoked",
    "SessionInfo",
    "SessionOutput",
    "StaffSession",
    "StaffSessionList",
    "StepUpError",
    "StepUpErrorFields",
    "TransportEnum",
    "Unavailable",
    "UnavailableChecks",
    "UnavailableFields",
    "UnavailableStatusEnum",
    "User",
    "UserSession",
    "UserSessionList",
)
