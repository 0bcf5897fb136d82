/**
 * Every sentence the widget shows or says to a screen reader, in English: the source the other locales
 * translate (locales/*.ts must have exactly these keys: `npm run check:locales`, run by every build).
 *
 * - A sentence is whole, with named placeholders (`{count}`), never glued from pieces, so a translation
 *   may reorder it. Numbers in placeholders are formatted with Intl in the reader's locale.
 * - An object with `one`/`other` (and `zero`, `two`, `few`, `many` where a language has them) is a
 *   plural: the form is picked by Intl.PluralRules. `zero` is used for 0 when given, whatever the rules.
 * - Sections follow the widget's parts, so a translator sees where a sentence appears.
 */
export const en = {
  status: {
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting… You can’t post until the connection is back.',
    offline: 'You are offline. Conversations show as last seen; you can’t post until your network is back.',
    // Short: it sits on the image; the composers say what it means for posting.
    unreachable: 'The server cannot be reached.',
    /** `{seconds}`: whole seconds until the next try, at least 1. */
    retryIn: 'Retrying in {seconds} s.',
    retrying: 'Retrying now…',
    retryNow: 'Retry now',
    dismiss: 'Dismiss this message',
    readonlyImage: 'This image is read-only.',
    viewOnly: 'You can view but not post here.',
    gone: 'Conversation {number} was deleted by someone else.',
  },
  /** Why nothing can be posted right now (under a composer). */
  blocked: {
    unreachable: 'The server cannot be reached, so you can’t post, reply or delete until it is back. Conversations stay readable.',
    connecting: 'Connecting… you can write once connected.',
    reconnecting: 'Reconnecting… you can’t post, reply or delete until the connection is back.',
    offline: 'You are offline, so you can’t post, reply or delete. Conversations stay readable.',
  },
  composer: {
    newChat: 'New conversation',
    placeholder: 'Write a comment…',
    send: 'Send',
    cancel: 'Cancel',
    empty: 'Write a message first.',
    tooLong: 'This message is {length} characters long; the limit is {limit}.',
    left: { one: '{count} character left', other: '{count} characters left' },
    over: { one: '{count} character over the limit', other: '{count} characters over the limit' },
    notSent: 'Not sent: {reason}',
    retry: 'Try again',
    discard: 'Discard',
    discardQuestion: 'Discard this draft?',
    discardDetail: 'What you wrote will be lost.',
    keep: 'Keep writing',
  },
  thread: {
    close: 'Close conversation',
    resolved: 'Resolved',
    messages: 'Messages',
    reply: 'Reply',
    replyPlaceholder: 'Reply…',
    saving: 'Saving…',
    resolve: 'Resolve',
    reopen: 'Reopen',
    delete: 'Delete conversation',
    deleteQuestion: 'Delete this conversation for everyone?',
    deleteDetail: 'Other people have replied. Their messages will be deleted too.',
    keep: 'Keep it',
    notSaved: 'Not saved: {reason}',
  },
  comment: {
    edited: 'edited',
    editedAt: 'Edited {time}',
    sending: 'sending…',
    edit: 'Edit',
    editLabel: 'Edit this message',
    delete: 'Delete',
    deleteLabel: 'Delete this message',
    editBox: 'Edit message',
    save: 'Save',
    cancel: 'Cancel',
  },
  list: {
    title: 'Conversations',
    scopedTitle: { one: '{count} conversation here', other: '{count} conversations here' },
    toggle: { one: '{count} conversation: show the list', other: '{count} conversations: show the list' },
    close: 'Close the list',
    showAll: 'Show all conversations',
    filter: 'Show',
    open: 'Open ({count})',
    resolved: 'Resolved ({count})',
    all: 'All ({count})',
    hideResolved: 'Hide resolved conversations on the image',
    replies: { zero: 'No replies', one: '{count} reply', other: '{count} replies' },
    resolvedTag: 'Resolved',
    entry: 'Conversation {number} by {author}:',
    entryResolved: 'Conversation {number} by {author}, resolved:',
    lastMessage: 'last message {time}',
    emptyAll: 'No conversations yet.',
    emptyOpen: 'No open conversations.',
    emptyResolved: 'No resolved conversations.',
  },
  markers: {
    /** A marker's accessible name: the conversation's opening words follow it. */
    marker: 'Conversation {number} by {author}: {text}',
    resolved: '(resolved)',
    sending: '(sending)',
    replies: { one: '{count} reply.', other: '{count} replies.' },
    unread: { one: '{count} unread message.', other: '{count} unread messages.' },
    cluster: {
      one: '{count} conversation close together: {numbers}. Show it in a list.',
      other: '{count} conversations close together: {numbers}. Show them in a list.',
    },
    moveHelp: 'You can move this conversation: press M, then the arrow keys, then Enter.',
    image: 'Image',
    overlay: {
      one: '{alt}: {count} conversation. Press Enter to place a new one, arrow keys to move it, Enter again to write.',
      other: '{alt}: {count} conversations. Press Enter to place a new one, arrow keys to move it, Enter again to write.',
    },
    overlayViewOnly: { one: '{alt}: {count} conversation.', other: '{alt}: {count} conversations.' },
    thread: 'Conversation {number} by {author}',
  },
  move: {
    start: 'Moving conversation {number}. Arrow keys move it, Shift with an arrow moves it further, Enter drops it here, Escape puts it back.',
    position: '{x} % across, {y} % down.',
    dropped: 'Conversation {number} moved to {x} % across, {y} % down.',
    cancelled: 'Move cancelled: conversation {number} is back where it was.',
  },
  sheet: {
    back: 'Back',
    backLabel: 'Back to the image',
    close: 'Close',
  },
  /** What failed, before the reason (`{what}: {reason}` in `errors.sentence`). */
  failed: {
    create: 'Your comment was not posted',
    update: 'Your change was not saved',
    delete: 'The conversation was not deleted',
  },
  /** A refusal or failure, by its code (the server's `reason` words it more exactly where known). */
  errors: {
    sentence: '{what}: {reason}',
    unauthorized: 'you are not signed in, or your sign-in has expired.',
    forbidden: 'you may not do that here.',
    invalid: 'the server could not accept it.',
    notFound: 'it no longer exists.',
    rateLimited: 'too many actions at once. Wait a moment and try again.',
    rateLimitedFor: 'Too many actions: wait {seconds} s and try again.',
    tooLarge: 'it is over a limit of the server.',
    unavailable: 'the server could not do it just now. Try again.',
    notOnline: 'you are not connected. Try again when back online.',
    ackTimeout: 'the server did not confirm it in time.',
    connectionLost: 'the connection was lost before the server confirmed it.',
    badServer: '“{server}” is not a server address.',
  },
} as const;
